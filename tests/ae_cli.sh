#!/bin/sh
# cpwl autoencoder eval and grad from the command line, against values
# computed here independently of cpwl: the issue's example by hand (n = 4,
# h = 6; eps = 1: support {1, 5}, L = 3/8, rows 1 and 5 of dL/dW = -y,
# dL/deps = 3/4 twice, the scalar 3/2, |dL/dW|^2 = 6), other thresholds
# and a perturbed W against a second implementation in python3's
# fractions, the expected gradient over every support of size 2 against
# the same sum in python3, Monte-Carlo on one code against the correctly
# rounded sqrt, Ctrl-C in a long sum, and every bad input with exit
# status 2 and one line.

: "${CPWL:?CPWL must name the cpwl binary}"

. "$(dirname "$0")/tap.sh"
tap_init ae

# The example's dictionary (examples/dict46.csv): columns e1, e2, e3, e4,
# (1,1,1,1)/2, (1,-1,1,-1)/2.
cp "$(dirname "$0")/../examples/dict46.csv" "$tmp/A.csv" || exit 99
# A perturbed W (6 x 4): A^T with row 1 = (1, 1, 0, 0), row 6 shifted.
cat >"$tmp/W.csv" <<'EOF'
1,1,0,0
0,1,0,0
0,0,1,0
0,0,0,1
1/2,1/2,1/2,1/2
1/2,-1/3,1/2,-1/2
EOF
# W of the wrong size: 4 x 6.
cp "$tmp/A.csv" "$tmp/W46.csv"

PYHEAD='import json, sys, itertools
from fractions import Fraction as F
d = json.load(sys.stdin)
A = [[F(1),F(0),F(0),F(0),F(1,2),F(1,2)], [F(0),F(1),F(0),F(0),F(1,2),F(-1,2)],
     [F(0),F(0),F(1),F(0),F(1,2),F(1,2)], [F(0),F(0),F(0),F(1),F(1,2),F(-1,2)]]
n, h = 4, 6
At = [[A[j][i] for j in range(n)] for i in range(h)]
def dot(a, b):
    return sum((x * y for x, y in zip(a, b)), F(0))
# the model written again: L, dL/dW, dL/deps
def sample(W, eps, y, d0=0):
    z = [dot(W[i], y) - eps[i] for i in range(h)]
    r = [v if v > 0 else F(0) for v in z]
    a = [1 if v > 0 else (d0 if v == 0 else 0) for v in z]
    yhat = [sum((W[i][j] * r[i] for i in range(h)), F(0)) for j in range(n)]
    e = [yhat[j] - y[j] for j in range(n)]
    L = dot(e, e) / 2
    u = [dot(W[i], e) for i in range(h)]
    G = [[r[i] * e[j] + a[i] * u[i] * y[j] for j in range(n)] for i in range(h)]
    Ge = [-a[i] * u[i] for i in range(h)]
    return z, r, L, G, Ge
def fl(v):
    return [F(x) for x in v]
def mat(M):
    return [[F(x) for x in row] for row in M]
def check(name, got, want):
    if got != want: print("%s: %s, expected %s" % (name, got, want))'
PYPRELUDE=$PYHEAD
Y='3/2,1/2,1/2,1/2'

# ---- eval: the issue's example ------------------------------------------
call autoencoder eval --dict "$tmp/A.csv" --y $Y --eps 1 --json
pycheck "eval at eps = 1: the hand values" 'y = [F(3,2), F(1,2), F(1,2), F(1,2)]
check("Wy", fl(d["Wy"]), [F(3,2), F(1,2), F(1,2), F(1,2), F(3,2), F(1,2)])
check("support", d["support"], [1, 5])
check("r", fl(d["r"]), [F(1,2), 0, 0, 0, F(1,2), 0])
check("e", fl(d["e"]), [-v / 2 for v in y])
check("loss", F(d["loss"]), F(3,8))
G = mat(d["grad_W"])
check("rows 1, 5", [G[0], G[4]], [[-v for v in y]] * 2)
check("other rows", [G[i] for i in (1, 2, 3, 5)], [[0] * 4] * 4)
check("dL/deps", fl(d["grad_eps"]), [F(3,4), 0, 0, 0, F(3,4), 0])
check("scalar", F(d["grad_eps_scalar"]), F(3,2))
check("norm2", F(d["grad_W_norm2"]), F(6))
check("norm", d["grad_W_norm"][:12], "2.4494897427")
check("W", mat(d["W"]), At)'

call autoencoder eval --dict "$tmp/A.csv" --y $Y --eps 1
ok_why
grep -q '^support of relu(z) *{1, 5}$' "$tmp/out" || why="$why no support line;"
grep -q '^loss L *3/8 = 0.375$' "$tmp/out" || why="$why no loss line;"
grep -q '^dL/dW row 5 *(-3/2, -1/2, -1/2, -1/2)$' "$tmp/out" \
    || why="$why no row 5;"
grep -q '^dL/deps (scalar eps) *3/2 = 1.5$' "$tmp/out" || why="$why no scalar;"
grep -q '^|dL/dW|_F^2 *6$' "$tmp/out" || why="$why no norm2;"
report "eval at eps = 1 as text" "$why"

for rp in 0 1; do
    call autoencoder eval --dict "$tmp/A.csv" --y $Y --eps 1/2 \
        --relu-prime0 $rp --json
    pycheck "eval at eps = 1/2, relu'(0) = $rp: y reconstructed, gradient 0" \
        'check("support", d["support"], [1, 5])
check("yhat", fl(d["yhat"]), [F(3,2), F(1,2), F(1,2), F(1,2)])
check("loss", F(d["loss"]), 0)
check("grad", mat(d["grad_W"]), [[0] * 4] * 6)
check("norm", d["grad_W_norm"], "0")'
done

call autoencoder eval --dict "$tmp/A.csv" --y $Y --eps 3/2 --json
pycheck "eval at eps = 3/2: empty support, L = |y|^2 / 2" \
    'check("support", d["support"], [])
check("loss", F(d["loss"]), F(3,2))'

call autoencoder eval --dict "$tmp/A.csv" --y $Y --eps 1/4 --json
pycheck "eval at eps = 1/4: everything, the values of python" \
    'check("support", d["support"], [1, 2, 3, 4, 5, 6])
y = fl(d["y"])
z, r, L, G, Ge = sample(At, [F(1,4)] * h, y)
check("z", fl(d["z"]), z)
check("loss", F(d["loss"]), L)
check("grad", mat(d["grad_W"]), G)
check("grad_eps", fl(d["grad_eps"]), Ge)'

# --x gives y = A x
call autoencoder eval --dict "$tmp/A.csv" --x 1,0,0,0,1,0 --eps 1 --json
pycheck "eval --x: y = A x" 'check("y", fl(d["y"]), [F(3,2), F(1,2), F(1,2), F(1,2)])
check("loss", F(d["loss"]), F(3,8))'

# a perturbed W and a threshold per atom
call autoencoder eval --dict "$tmp/A.csv" --y 1,2/3,-1/2,1/5 \
    --eps 1/3,1/2,0,1/7,1/4,0 --at "$tmp/W.csv" --relu-prime0 1 --json
pycheck "eval --at W, eps per atom: the values of python" \
    'W = [[F(1),F(1),F(0),F(0)], [F(0),F(1),F(0),F(0)], [F(0),F(0),F(1),F(0)],
     [F(0),F(0),F(0),F(1)], [F(1,2)] * 4, [F(1,2),F(-1,3),F(1,2),F(-1,2)]]
eps = [F(1,3),F(1,2),F(0),F(1,7),F(1,4),F(0)]
y = [F(1),F(2,3),F(-1,2),F(1,5)]
z, r, L, G, Ge = sample(W, eps, y, 1)
check("W", mat(d["W"]), W)
check("z", fl(d["z"]), z)
check("r", fl(d["r"]), r)
check("loss", F(d["loss"]), L)
check("grad", mat(d["grad_W"]), G)
check("grad_eps", fl(d["grad_eps"]), Ge)
check("no scalar", d["grad_eps_scalar"], None)
check("norm2", F(d["grad_W_norm2"]), sum((v * v for row in G for v in row), F(0)))'

# ---- grad: the expected gradient -----------------------------------------
# every support of size 2, values 1 and 2 (probabilities 1/3, 2/3)
call autoencoder grad --dict "$tmp/A.csv" --codes 'supports:k=2;values=1,2;p=1/3,2/3' \
    --eps 2/3 --show-grad --json
pycheck "grad over C(6,2) 4 codes: the sum of python" \
    'eps = [F(2,3)] * h
EL = F(0); EG = [[F(0)] * n for i in range(h)]; EGe = [F(0)] * h
for S in itertools.combinations(range(h), 2):
    for vals in itertools.product([(F(1), F(1,3)), (F(2), F(2,3))], repeat=2):
        x = [F(0)] * h; p = F(1, 15)
        for i, (v, q) in zip(S, vals):
            x[i] = v; p *= q
        y = [dot(A[j], x) for j in range(n)]
        z, r, L, G, Ge = sample(At, eps, y)
        EL += p * L
        EG = [[EG[i][j] + p * G[i][j] for j in range(n)] for i in range(h)]
        EGe = [EGe[i] + p * Ge[i] for i in range(h)]
check("codes", d["codes"], 60)
check("complete", d["complete"], True)
check("loss", F(d["loss"]), EL)
check("grad", mat(d["grad_W"]), EG)
check("grad_eps", fl(d["grad_eps"]), EGe)
check("scalar", F(d["grad_eps_scalar"]), sum(EGe, F(0)))
check("norm2", F(d["grad_W_norm2"]), sum((v * v for row in EG for v in row), F(0)))'

# a list of two codes, and the sphere of radius 1/10
printf 'p,x1,x2,x3,x4,x5,x6\n1/4,1,0,0,0,1,0\n3/4,0,2,0,0,0,1\n' >"$tmp/two.csv"
call autoencoder grad --dict "$tmp/A.csv" --codes "$tmp/two.csv" --eps 1 \
    --delta 1/10 --directions 3 --seed 5 --json
pycheck "grad over a list, --delta: the sum of python, the largest direction" \
    'EL = F(0); EG = [[F(0)] * n for i in range(h)]
for p, x in [(F(1,4), [1,0,0,0,1,0]), (F(3,4), [0,2,0,0,0,1])]:
    y = [dot(A[j], fl(x)) for j in range(n)]
    z, r, L, G, Ge = sample(At, [F(1)] * h, y)
    EL += p * L
    EG = [[EG[i][j] + p * G[i][j] for j in range(n)] for i in range(h)]
check("loss", F(d["loss"]), EL)
check("norm2", F(d["grad_W_norm2"]), sum((v * v for row in EG for v in row), F(0)))
D = d["delta"]
check("radius", F(D["radius"]), F(1,10))
runs = D["runs"]
check("directions", len(runs), 3)
n2 = [F(r["grad_W_norm2"]) for r in runs]
if len(set(n2)) != 3: print("the directions agree: %s" % n2)
k = max(range(3), key=lambda i: n2[i])
check("largest", D["largest"]["direction"], k + 1)
check("largest norm2", F(D["largest"]["grad_W_norm2"]), n2[k])'

call autoencoder grad --dict "$tmp/A.csv" --codes "$tmp/two.csv" --eps 1 \
    --delta 1/10 --directions 3 --seed 5
ok_why
grep -q '^largest |E dL/dW|_F *direction [123]: ' "$tmp/out" \
    || why="$why no largest line;"
[ "$(grep -c '^direction [0-9]$' "$tmp/out")" -eq 3 ] \
    || why="$why not 3 directions;"
report "grad --delta as text" "$why"

# Monte-Carlo on one code: every draw is that code, the estimate is the
# binary64 norm: sqrt(6) correctly rounded (the example at eps = 1 is
# exact in binary64; 2 repeats: their mean is exact), sd 0
printf 'p,x1,x2,x3,x4,x5,x6\n1,1,0,0,0,1,0\n' >"$tmp/one.csv"
call autoencoder grad --dict "$tmp/A.csv" --codes "$tmp/one.csv" --eps 1 \
    --monte-carlo 4 --repeats 2 --json
pycheck "grad --monte-carlo on one code: sqrt(6) in binary64, sd 0" \
    'import math
m = d["monte_carlo"]
check("mean", m["mean"], math.sqrt(6))
check("sd", m["sd"], 0)
check("norm2", F(d["grad_W_norm2"]), F(6))'

# ---- Ctrl-C in a long sum -------------------------------------------------
# n = 16, h = 32 (integer entries), every support of size 4: 35960 codes,
# far longer than a second exactly.
awk 'BEGIN { s = 7; for (j = 0; j < 16; j++) { r = ""
    for (i = 0; i < 32; i++) { s = (s * 1103515245 + 12345) % 2147483648
        r = r (i ? "," : "") (int(s / 65536) % 7 - 3) "/" (1 + int(s / 8192) % 5) }
    print r } }' >"$tmp/big.csv"
if [ -z "$CPWL_WRAP" ]; then
    . "$(dirname "$0")/sigutil.sh"
    "$CPWL" autoencoder grad --dict "$tmp/big.csv" --codes 'supports:k=4' \
        --eps 1/3 --json >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    wait_catching "$pid"
    sleep 1
    interrupt $pid
    why=""
    [ "$status" -eq 130 ] || why="$why exit status $status, expected 130;"
    grep -q "interrupted" "$tmp/err" || why="$why no 'interrupted' on stderr;"
    if [ $have_py -eq 1 ]; then
        printf '%s\n' "$PYHEAD" 'check("complete", d["complete"], False)
if not 0 < d["codes_done"] < 35960: print("codes_done %d" % d["codes_done"])
check("codes", d["codes"], 35960)' >"$tmp/check.py"
        why="$why$(python3 "$tmp/check.py" <"$tmp/out" 2>&1)"
    fi
    report "Ctrl-C: the partial sum, marked, exit 130" "$why"
    # Ctrl-C in the Monte-Carlo draws (10^7 of them, minutes): the exact
    # sums are complete, the estimate is not printed.
    "$CPWL" autoencoder grad --dict "$tmp/A.csv" --codes "$tmp/two.csv" \
        --eps 1 --monte-carlo 1000000 --json >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    wait_catching "$pid"
    sleep 1
    interrupt $pid
    why=""
    [ "$status" -eq 130 ] || why="$why exit status $status, expected 130;"
    grep -q "Monte-Carlo estimate was not finished" "$tmp/err" ||
        why="$why no message on stderr;"
    if [ $have_py -eq 1 ]; then
        printf '%s\n' "$PYHEAD" 'check("complete", d["complete"], False)
check("codes_done", d["codes_done"], 2)
check("no estimate", "monte_carlo" in d, False)' >"$tmp/check.py"
        why="$why$(python3 "$tmp/check.py" <"$tmp/out" 2>&1)"
    fi
    report "Ctrl-C in the Monte-Carlo draws: exact sums, no estimate, exit 130" \
        "$why"
fi

# ---- bad input: exit 2, one line --------------------------------------------
call autoencoder eval --dict "$tmp/A.csv" --y $Y --eps 1 --at "$tmp/W46.csv"
bad "eval: W of the wrong size" 'W' '6'
call autoencoder grad --dict "$tmp/A.csv" --codes "$tmp/two.csv" --eps 1 \
    --at "$tmp/W46.csv"
bad "grad: W of the wrong size" 'W' '6'
call autoencoder eval --dict "$tmp/A.csv" --y 1,2,3 --eps 1
bad "eval: --y of the wrong length" '--y' '4'
printf 'p,x1,x2,x3,x4,x5,x6\n1/4,1,0,0,0,1,0\n1/2,0,2,0,0,0,1\n' >"$tmp/bad.csv"
call autoencoder grad --dict "$tmp/A.csv" --codes "$tmp/bad.csv" --eps 1
bad "grad: probabilities that do not sum to 1" 'bad.csv' '3/4'
call autoencoder eval --dict "$tmp/A.csv" --y $Y --eps abc
bad "eval: --eps not a number" '--eps'
call autoencoder grad --dict "$tmp/A.csv" --codes "$tmp/two.csv" --eps one
bad "grad: --eps not a number" '--eps'
call autoencoder grad --dict "$tmp/A.csv" --codes "$tmp/two.csv" --eps 1 \
    --monte-carlo 1000 --repeats 10 --max-draws 9999
bad "grad: more draws than --max-draws" '--max-draws' '9999'
call autoencoder eval --dict "$tmp/A.csv" --x 1,0,1 --eps 1
bad "eval: --x of the wrong length" '--x' '6'
call autoencoder eval --dict "$tmp/A.csv" --y $Y --x 1,0,0,0,1,0 --eps 1
bad "eval: --y and --x together" '--y' '--x'
call autoencoder eval --dict "$tmp/A.csv" --y $Y --eps 1 --relu-prime0 2
bad "eval: --relu-prime0 2" '--relu-prime0'
call autoencoder grad --dict "$tmp/A.csv" --codes 'supports:k=3' --eps 1 \
    --max-codes 10
bad "grad: more codes than --max-codes" '20 codes' '--max-codes'
call autoencoder grad --dict "$tmp/A.csv" --codes "$tmp/two.csv" --eps 1 \
    --delta 1/10 --at "$tmp/W.csv"
bad "grad: --delta with --at" '--delta'
call autoencoder grad --dict "$tmp/A.csv" --codes "$tmp/two.csv" --eps 1 \
    --delta -1
bad "grad: a negative --delta" '--delta'
call autoencoder grad --dict "$tmp/A.csv" --codes "$tmp/two.csv" --eps 1 \
    --repeats 3
bad "grad: --repeats without --monte-carlo" '--repeats'
call autoencoder grad --dict "$tmp/A.csv" --codes "$tmp/two.csv" --eps 1 \
    --directions 3
bad "grad: --directions without --delta" '--directions'

echo "1..$n"
[ "$fails" -eq 0 ]
