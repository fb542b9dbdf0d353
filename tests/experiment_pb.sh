#!/bin/sh
# cpwl experiment pacbayes in its small-data mode: a few hundred
# Fashion-MNIST points (T-shirt vs trouser), a few epochs, a few draws,
# in seconds.  Checks, in exact fractions: the certified bound is at
# least the reported empirical risk e_N and its sample-convergence bound,
# at most 1 unless flagged vacuous; the files exist; `cpwl pacbayes
# certify` on the written files with the printed seed and draws gives the
# same certificate, e_N and KL; bad input exits 2 with one line.  Skips
# the real-data runs visibly when the data set is not installed.

: "${CPWL:?CPWL must name the cpwl binary}"
DATA=${CPWL_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}

. "$(dirname "$0")/tap.sh"
tap_init experiment_pb

X="experiment pacbayes"

# Bad input needs no data (the options are checked first).
call experiment pacbayes --classes 3 --out "$tmp/b"
bad "one class" "classes" "at least two"
call experiment pacbayes --classes 0,11 --out "$tmp/b"
bad "class out of range" "classes" "0 to 9"
call experiment pacbayes --classes "0, 1" --out "$tmp/b"
bad "a blank in the classes" "classes" "0 to 9"
call experiment pacbayes --hidden 10-0 --out "$tmp/b"
bad "zero width" "hidden"
call experiment pacbayes --objective fancy --out "$tmp/b"
bad "unknown objective" "fquad or fclassic"
call experiment pacbayes --delta 2 --out "$tmp/b"
bad "delta out of range" "delta" "\(0, 1\)"
call experiment pacbayes --delta 0.5 --delta-samples 0.5 --out "$tmp/b"
bad "delta + delta' = 1" "must be < 1"
call experiment pacbayes --sigma-prior -1 --out "$tmp/b"
bad "negative sigma" "sigma-prior"
call experiment pacbayes --optimizer adam --out "$tmp/b"
bad "unknown optimizer" "heavy-ball or nag"
call experiment pacbayes --frobnicate
bad "unknown option" "frobnicate"
# Training images 28 x 28, test images 2 x 2 (uncompressed IDX files):
# refused, not read as 784 coordinates past their end.
mkdir "$tmp/mixed"
{ printf '\000\000\010\003\000\000\000\002\000\000\000\034\000\000\000\034'
  head -c 1568 /dev/zero; } >"$tmp/mixed/train-images-idx3-ubyte"
printf '\000\000\010\003\000\000\000\002\000\000\000\002\000\000\000\002'\
'\001\002\003\004\005\006\007\010' >"$tmp/mixed/t10k-images-idx3-ubyte"
for p in train t10k; do
    printf '\000\000\010\001\000\000\000\002\000\001' \
        >"$tmp/mixed/$p-labels-idx1-ubyte"
done
call experiment pacbayes --data "$tmp/mixed" --batch 1 --out "$tmp/b"
bad "test images not 28 x 28" "28 x 28" "in the test set"
# A test set without the classes 0, 1 (two images of class 5): refused
# before training, not a division by 0 after it.
mkdir "$tmp/noclass"
{ printf '\000\000\010\003\000\000\000\010\000\000\000\034\000\000\000\034'
  head -c 6272 /dev/zero; } >"$tmp/noclass/train-images-idx3-ubyte"
printf '\000\000\010\001\000\000\000\010\000\001\000\001\000\001\000\001' \
    >"$tmp/noclass/train-labels-idx1-ubyte"
{ printf '\000\000\010\003\000\000\000\002\000\000\000\034\000\000\000\034'
  head -c 1568 /dev/zero; } >"$tmp/noclass/t10k-images-idx3-ubyte"
printf '\000\000\010\001\000\000\000\002\005\005' \
    >"$tmp/noclass/t10k-labels-idx1-ubyte"
call experiment pacbayes --data "$tmp/noclass" --batch 2 --out "$tmp/b"
bad "a test set without the classes" "test set has no points"
call experiment pacbayes --data "$tmp/nowhere" --out "$tmp/b"
bad "missing data names the Debian package" "dataset-fashion-mnist"

if [ ! -r "$DATA/train-images-idx3-ubyte.gz" ] \
   && [ ! -r "$DATA/train-images-idx3-ubyte" ]; then
    echo "# SKIP: Fashion-MNIST not installed at $DATA (Debian package" \
         "dataset-fashion-mnist); the runs on real data were not tested"
    echo "1..$n"
    [ "$fails" -eq 0 ] || exit 1
    exit 0
fi

call experiment pacbayes --data "$DATA" --train 300 --test 200 --epochs 3 \
    --hidden 20 --batch 50 --samples 6 --test-samples 3 --seed 5 --json --write-csv \
    --no-progress --out "$tmp/o"
cp "$tmp/out" "$tmp/run.json"
pycheck "bound >= kl-inverse bound >= e_N; <= 1 or vacuous" '
import json, sys
from fractions import Fraction as F
r = json.load(sys.stdin)
c, e, q = F(r["certificate"]), F(r["emp_risk"]), F(r["emp_risk_upper"])
if not (c >= q >= e): print("order", c, q, e)
if r["vacuous"] != (c >= 1): print("vacuous flag", r["vacuous"], c)
if r["m"] != 300 or r["samples"] != 6: print("m, N", r["m"], r["samples"])
if F(r["mistakes"]) != e * r["m"] * r["samples"]: print("mistakes", r["mistakes"])
for k in ("test_error_mean_net", "test_error_stochastic"):
    if not 0 <= r[k] <= 1: print(k, r[k])'
why=""
for f in posterior.json prior.json train.csv result.json result.txt; do
    [ -s "$tmp/o/$f" ] || why="$why missing $f;"
done
cmp -s "$tmp/run.json" "$tmp/o/result.json" || why="$why result.json differs from stdout;"
report "files written" "$why"

# The printed command, run as is (with --json), reproduces the certificate.
if [ $have_py -eq 1 ]; then
    cmdline=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["reproduce"])' "$tmp/run.json")
    set -- $cmdline
    shift
    call "$@" --json
    cp "$tmp/run.json" "$tmp/o/run.json"
    pycheck "pacbayes certify on the files reproduces the certificate" '
import json, sys
from fractions import Fraction as F
c = json.load(sys.stdin)
r = json.load(open("'"$tmp"'/o/run.json"))
for a, b in (("certificate", "certificate"), ("emp_risk", "emp_risk"),
             ("emp_risk_upper", "emp_risk_upper"), ("kl_upper", "kl_upper"),
             ("mistakes", "mistakes")):
    if F(c[a]) != F(r[b]): print(a, c[a], r[b])
if c["m"] != r["m"] or c["samples"] != r["samples"]: print("m/N")
if c["parameters"] != r["parameters"]: print("parameters")
if c["rounded"] != {"posterior": 0, "prior": 0}: print("rounded", c["rounded"])'
else
    n=$((n + 1))
    echo "ok $n - reproduce # SKIP no python3"
fi

# Too much work for the budget: refused before training.
call experiment pacbayes --data "$DATA" --train 300 --samples 1000 \
    --max-work 1e6 --out "$tmp/w"
bad "work budget" "max-work"
call experiment pacbayes --data "$DATA" --train 300 --batch 301 \
    --out "$tmp/w"
bad "batch larger than the data" "batch 301" "300 points"

# Ctrl-C during training: exit 130, a message, no report.
if [ -z "$CPWL_WRAP" ]; then
    . "$(dirname "$0")/sigutil.sh"
    "$CPWL" experiment pacbayes --data "$DATA" --train 300 --hidden 20 \
        --batch 50 --steps 100000000 --no-progress --out "$tmp/int" \
        >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    wait_catching "$pid"
    sleep 0.5
    interrupt "$pid"
    why=""
    [ "$status" -eq 130 ] || why="$why exit status $status, expected 130;"
    grep -q 'interrupted' "$tmp/err" || why="$why no message;"
    [ -s "$tmp/out" ] && why="$why a report on stdout;"
    report "Ctrl-C: exit 130, a message, no report" "$why"
else
    echo "# SKIP Ctrl-C under $CPWL_WRAP"
fi

echo "1..$n"
[ "$fails" -eq 0 ] || exit 1
exit 0
