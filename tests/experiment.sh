#!/bin/sh
# cpwl experiment adam-vs-nag in its small-data mode: a few hundred
# Fashion-MNIST points, a handful of steps, two tiny autoencoders, in
# seconds.  Checks the files' shapes (CSV columns and rows, one table row
# per shape and family, PNG/SVG magic bytes), the Lanczos extremes'
# order, the checkpoints accepted by cpwl eval and cpwl regions, bad
# inputs (exit 2 with a message) and Ctrl-C (exit 130, rows kept).  Run
# by `make check` with CPWL set.

: "${CPWL:?CPWL must name the cpwl binary}"
DATA=${CPWL_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpwl-exp.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0
trap 'exit 99' 1 2 15

n=0
fails=0
report() {
    n=$((n + 1))
    if [ -z "$2" ]; then
        echo "ok $n - $1"
    else
        echo "not ok $n - $1: $2"
        fails=$((fails + 1))
    fi
}
run() { $CPWL_WRAP "$CPWL" "$@"; }

# Bad inputs first: they need no data.
expect2() {
    name=$1
    pat=$2
    shift 2
    run experiment adam-vs-nag --data "$DATA" --out "$tmp/bad" "$@" \
        >"$tmp/out" 2>"$tmp/err"
    st=$?
    why=""
    [ "$st" -eq 2 ] || why="status $st, expected 2"
    grep -q -- "$pat" "$tmp/err" || why="$why; stderr lacks '$pat': $(head -c 300 "$tmp/err")"
    report "$name" "$why"
}
expect2 "bad shape" "shape" --shapes 784-x-784
expect2 "shape not an autoencoder" "autoencoder" --shapes 784-16-10
expect2 "steps -1" "--steps" --steps -1
expect2 "unknown precision" "--precision" --precision half
expect2 "bad lr list" "--adam-lr" --adam-lr 1e-3,,x
expect2 "negative momentum" "--nag-momentum" --nag-momentum -0.5
expect2 "work over the budget" "--max-work" --max-work 1000
expect2 "unknown option" "--frobnicate" --frobnicate
run experiment adam-vs-nag --data "$tmp/nowhere" --out "$tmp/bad" \
    --train 10 --test 0 --batch 5 --steps 1 --hessian-every 0 \
    >"$tmp/out" 2>"$tmp/err"
st=$?
why=""
[ "$st" -eq 2 ] || why="status $st, expected 2"
grep -q "dataset-fashion-mnist" "$tmp/err" || why="$why; no package named: $(cat "$tmp/err")"
report "missing data directory names the Debian package" "$why"
# Images that are not 28 x 28 (two 2 x 2 images, uncompressed IDX):
# refused, not read as 784 coordinates past their end.
mkdir "$tmp/small"
for p in train t10k; do
    printf '\000\000\010\003\000\000\000\002\000\000\000\002\000\000\000\002'\
'\001\002\003\004\005\006\007\010' >"$tmp/small/$p-images-idx3-ubyte"
    printf '\000\000\010\001\000\000\000\002\000\001' \
        >"$tmp/small/$p-labels-idx1-ubyte"
done
run experiment adam-vs-nag --data "$tmp/small" --out "$tmp/bad" --train 2 \
    --test 2 --batch 1 --steps 1 --hessian-every 0 >"$tmp/out" 2>"$tmp/err"
st=$?
why=""
[ "$st" -eq 2 ] || why="status $st, expected 2"
grep -q "expected 28 x 28 images" "$tmp/err" || why="$why; stderr: $(head -c 300 "$tmp/err")"
report "images of 4 pixels refused" "$why"
run experiment frobnicate >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && report "unknown action" "" || report "unknown action" "not 2"

if [ ! -r "$DATA/train-images-idx3-ubyte.gz" ] \
   && [ ! -r "$DATA/train-images-idx3-ubyte" ]; then
    echo "# SKIP: Fashion-MNIST not installed at $DATA (Debian package" \
         "dataset-fashion-mnist); the runs on real data were not tested"
    echo "1..$n"
    [ "$fails" -eq 0 ] || exit 1
    exit 0
fi

# The small-data mode: 300 training and 100 test points, 12 steps,
# two tiny autoencoders, 2 x 1 x 1 ADAM settings and 1 NAG setting.
out=$tmp/new/run   # --out creates missing parents
SMALL="--data $DATA --train 300 --test 100 --batch 50 --steps 12
  --eval-every 4 --hessian-every 6 --hessian-n 100 --lanczos-steps 8
  --shapes 784-8-784,784-8-4-8-784 --adam-beta1 0.9,0.99 --adam-xi 1e-8
  --adam-lr 1e-3 --nag-lr 1e-3 --nag-momentum 0.9 --checkpoint-every 6
  --no-progress"
# shellcheck disable=SC2086
run experiment adam-vs-nag $SMALL --out "$out" >"$tmp/out" 2>"$tmp/err"
st=$?
report "small run exits 0" "$([ $st -eq 0 ] || echo "status $st: $(head -c 400 "$tmp/err")")"

# runs.csv: 19 columns everywhere; rows: 2 shapes x 3 settings x (t = 1,
# 5, 9, 13 and the Hessian's 7) = 30 rows and the header.
cols=$(awk -F, '{print NF}' "$out/runs.csv" | sort -u | tr '\n' ' ')
report "runs.csv has 19 columns" "$([ "$cols" = "19 " ] || echo "columns: $cols")"
rows=$(($(wc -l <"$out/runs.csv") - 1))
report "runs.csv has 30 rows" "$([ "$rows" -eq 30 ] || echo "$rows rows")"
head -1 "$out/runs.csv" | grep -q '^shape,family,setting,algo,lr,momentum,beta1,beta2,xi,precision,t,train_loss,test_loss,grad_norm,lambda_min,lambda_max,lambda_min_res,lambda_max_res,seconds$'
report "runs.csv header" "$([ $? -eq 0 ] || head -1 "$out/runs.csv")"

# Lanczos: lambda_min <= lambda_max wherever measured, at t = 1, 7, 13.
bad=$(awk -F, 'NR > 1 && $15 != "" { if (!($15 + 0 <= $16 + 0)) print; }' "$out/runs.csv")
report "lambda_min <= lambda_max" "$bad"
hrows=$(awk -F, 'NR > 1 && $15 != "" { print $11 }' "$out/runs.csv" | sort -nu | tr '\n' ' ')
report "Hessian measured at t = 1, 7, 13" "$([ "$hrows" = "1 7 13 " ] || echo "at $hrows")"

# table.csv: one row per shape and family (2 x 3) and the header.
trows=$(($(wc -l <"$out/table.csv") - 1))
report "table.csv has 6 rows" "$([ "$trows" -eq 6 ] || echo "$trows rows")"
fams=$(awk -F, 'NR > 1 { print $1 "/" $2 }' "$out/table.csv" | sort -u | wc -l)
report "table.csv: shapes x families distinct" "$([ "$fams" -eq 6 ] || echo "$fams")"
mrows=$(grep -c '^| 784' "$out/table.md")
report "table.md has 6 rows" "$([ "$mrows" -eq 6 ] || echo "$mrows rows")"

# Figures: PNG and SVG by their magic bytes.
why=""
for s in 784-8-784 784-8-4-8-784; do
    for f in loss gradnorm hessian; do
        p=$out/$f-$s
        [ "$(head -c 8 "$p.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] \
            || why="$why $p.png"
        head -c 200 "$p.svg" | grep -q "<svg" || why="$why $p.svg"
    done
done
report "figures are PNG and SVG" "$why"

# Checkpoints: the best runs' final weights, and every run every 6 steps.
nb=$(ls "$out/checkpoints" | grep -c -- '-adam-b1-0\.9\.json\|-adam-b1-0\.99\.json\|-nag\.json')
report "three best checkpoints per shape" "$([ "$nb" -eq 6 ] || echo "$nb")"
ni=$(ls "$out/checkpoints" | grep -c -- '-setting[0-9]*-t[0-9]*\.json')
report "intermediate checkpoints (t = 1, 7) of the 6 runs" "$([ "$ni" -eq 12 ] || echo "$ni")"
ck=$out/checkpoints/784-8-784-nag.json
x=$(awk 'BEGIN { for (i = 0; i < 784; i++) printf "%s%d/255", (i ? "," : ""), i % 256 }')
run eval "$ck" --at "$x" >"$tmp/out" 2>"$tmp/err"
st=$?
report "cpwl eval accepts a checkpoint" "$([ $st -eq 0 ] || echo "status $st: $(head -c 300 "$tmp/err")")"
# A 2-D slice through two data-like points: x0 = the point above, u, v
# unit vectors along pixels 0 and 1.
u=$(awk 'BEGIN { for (i = 0; i < 784; i++) printf "%s%d", (i ? "," : ""), i == 0 }')
v=$(awk 'BEGIN { for (i = 0; i < 784; i++) printf "%s%d", (i ? "," : ""), i == 1 }')
run regions "$ck" --slice "$x;$u;$v" --box "0:1,0:1" >"$tmp/out" 2>"$tmp/err"
st=$?
report "cpwl regions on a 2-D slice of a checkpoint" "$([ $st -eq 0 ] || echo "status $st: $(head -c 300 "$tmp/err")")"

# The same seed again: runs.csv identical but for the seconds column
# (not under a wrapper such as valgrind: test_experiment checks it there).
if [ -z "$CPWL_WRAP" ]; then
    # shellcheck disable=SC2086
    run experiment adam-vs-nag $SMALL --out "$tmp/run2" --checkpoint-every 0 \
        >/dev/null 2>&1
    cut -d, -f1-18 "$out/runs.csv" >"$tmp/a"
    cut -d, -f1-18 "$tmp/run2/runs.csv" >"$tmp/b"
    report "a second run is identical" "$(cmp "$tmp/a" "$tmp/b" 2>&1)"
fi

# Ctrl-C: exit 130, rows kept, the table from the runs done.
if [ -z "$CPWL_WRAP" ]; then
    . "$(dirname "$0")/sigutil.sh"
    "$CPWL" experiment adam-vs-nag --data "$DATA" --train 300 --test 100 \
        --batch 50 --steps 100000 --eval-every 1 --hessian-every 0 \
        --shapes 784-8-784 --adam-xi 1e-8 --adam-lr 1e-3 --adam-beta1 0.9 \
        --nag-lr 1e-3 --nag-momentum 0.9 --no-progress --out "$tmp/int" \
        >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    wait_catching "$pid"
    i=0
    while [ "$i" -lt 200 ] && [ "$(wc -l 2>/dev/null <"$tmp/int/runs.csv" || echo 0)" -lt 5 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    interrupt "$pid"
    why=""
    [ "$status" -eq 130 ] || why="status $status, expected 130"
    r=$(($(wc -l <"$tmp/int/runs.csv") - 1))
    [ "$r" -ge 4 ] || why="$why; $r rows kept"
    [ -s "$tmp/int/table.md" ] || why="$why; no table.md"
    grep -q interrupted "$tmp/err" || why="$why; no 'interrupted' on stderr"
    report "Ctrl-C: exit 130, rows kept, table written" "$why"
else
    echo "# SKIP Ctrl-C under $CPWL_WRAP"
fi

echo "1..$n"
[ "$fails" -eq 0 ] || exit 1
exit 0
