#!/bin/sh
# cpwl autoencoder train against values computed independently of it: a
# second implementation of the expected loss, its gradient
# dL/dW = r e^T + diag(a) (W e) y^T and gd / heavy-ball in python3's exact
# fractions, run on the chapter's example dictionary (n = 4, h = 6) for a
# few steps from A^T and from A^T + delta D; the loss 3/8 of x* = e1 + e5
# at eps = 1 and the fixed point of eps = 1/2 (loss and gradient 0) by hand
# (docs/autoencoder.md); one gd step from A^T + delta D against the exact
# expected gradient that `cpwl autoencoder grad` prints; |W_1 - A^T|_F^2 =
# delta^2; the binary64 start evaluated exactly; the CSV against the JSON;
# Ctrl-C; and bad inputs with exit status 2 and one line.

: "${CPWL:?CPWL must name the cpwl binary}"

. "$(dirname "$0")/tap.sh"
tap_init aetrain

cp "$(dirname "$0")/../examples/dict46.csv" "$tmp/A.csv" || exit 99
printf 'p,x1,x2,x3,x4,x5,x6\n1,1,0,0,0,1,0\n' >"$tmp/one.csv"
printf 'p,x1,x2,x3,x4,x5,x6\n1/3,1,0,0,0,1,0\n2/3,0,1,0,0,0,2\n' \
    >"$tmp/two.csv"

PYPRELUDE='import json, sys
from fractions import Fraction as F
if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)
d = json.load(sys.stdin)
A = [[F(1),F(0),F(0),F(0),F(1,2),F(1,2)], [F(0),F(1),F(0),F(0),F(1,2),F(-1,2)],
     [F(0),F(0),F(1),F(0),F(1,2),F(1,2)], [F(0),F(0),F(0),F(1),F(1,2),F(-1,2)]]
n, h = 4, 6
ONE = [(F(1), [1, 0, 0, 0, 1, 0])]
TWO = [(F(1, 3), [1, 0, 0, 0, 1, 0]), (F(2, 3), [0, 1, 0, 0, 0, 2])]
def fg(W, codes, eps, d0=0):
    """f(W) and its gradient (h x n lists) for the codes [(p, x)]."""
    f, G = F(0), [[F(0)] * n for _ in range(h)]
    for p, x in codes:
        y = [sum(A[t][j] * x[j] for j in range(h)) for t in range(n)]
        z = [sum(W[i][t] * y[t] for t in range(n)) - eps for i in range(h)]
        r = [v if v > 0 else F(0) for v in z]
        a = [1 if v > 0 else (d0 if v == 0 else 0) for v in z]
        e = [sum(W[i][t] * r[i] for i in range(h)) - y[t] for t in range(n)]
        u = [sum(W[i][t] * e[t] for t in range(n)) for i in range(h)]
        f += p * sum(v * v for v in e) / 2
        for i in range(h):
            for t in range(n):
                G[i][t] += p * (r[i] * e[t] + a[i] * u[i] * y[t])
    return f, G
def mat(flat):
    v = [F(s) for s in flat]
    return [v[i * n:(i + 1) * n] for i in range(h)]
def norm2(M):
    return sum(v * v for row in M for v in row)
def dist2(W):
    return sum((W[i][t] - A[t][i]) ** 2 for i in range(h) for t in range(n))
def run(W, codes, eps, lr, T, mom=None):
    """[(t, W_t, f, |g|^2)] for t = 1 ... T + 1 of gd (or heavy-ball)."""
    out, U = [], [[F(0)] * n for _ in range(h)]
    for t in range(1, T + 2):
        f, G = fg(W, codes, eps)
        out.append((t, W, f, norm2(G)))
        if mom is None:
            W = [[W[i][j] - lr * G[i][j] for j in range(n)] for i in range(h)]
        else:
            U = [[mom * U[i][j] - lr * G[i][j] for j in range(n)]
                 for i in range(h)]
            W = [[W[i][j] + U[i][j] for j in range(n)] for i in range(h)]
    return out
def compare(ref):
    pts = {p["t"]: p for p in d["points"]}
    for t, W, f, g2 in ref:
        p = pts.get(t)
        if p is None:
            print("no point t = %d" % t); return
        if F(p["f"]) != f or F(p["grad_norm2"]) != g2 or F(p["dist2"]) != dist2(W):
            print("t = %d: f %s, |g|^2 %s, dist2 %s against %s, %s, %s"
                  % (t, p["f"], p["grad_norm2"], p["dist2"], f, g2, dist2(W)))
            return
    if mat(d["W_last"]) != ref[-1][1]:
        print("W_last differs")
AT = [[A[t][i] for t in range(n)] for i in range(h)]'

# --- exact runs against python's fractions ---------------------------------

call autoencoder train --dict "$tmp/A.csv" --codes "$tmp/one.csv" --eps 1 \
    --lr 1/10 --steps 3 --every 1 --json
pycheck "gd, one code (e1 + e5), eps = 1, 3 steps from A^T: every f, |grad f|^2, dist2 and W_4 exactly" '
ref = run(AT, ONE, F(1), F(1, 10), 3)
if ref[0][2] != F(3, 8):
    print("python: f(A^T) is not 3/8 (by hand)")
compare(ref)'

call autoencoder train --dict "$tmp/A.csv" --codes supports:k=1 --eps 3/4 \
    --lr 1/10 --steps 3 --every 1 --json
pycheck "gd, supports:k=1, eps = 3/4 from A^T: W_t = c_t A^T, c_{t+1} = c_t - (lr/h)(c_t(c_t - eps) - 1)(2 c_t - eps), f = (c(c - eps) - 1)^2/2 (by hand)" '
c, eps, lr = F(1), F(3, 4), F(1, 10)
pts = {p["t"]: p for p in d["points"]}
for t in range(1, 5):
    f = (c * (c - eps) - 1) ** 2 / 2
    if F(pts[t]["f"]) != f or F(pts[t]["dist2"]) != (c - 1) ** 2 * h:
        print("t = %d: f %s, dist2 %s against %s, %s" % (t, pts[t]["f"], pts[t]["dist2"], f, (c - 1) ** 2 * h))
    if t == 4 and mat(d["W_last"]) != [[c * v for v in row] for row in AT]:
        print("W_4 is not c_4 A^T")
    c = c - lr / h * (c * (c - eps) - 1) * (2 * c - eps)'

call autoencoder train --dict "$tmp/A.csv" --codes "$tmp/two.csv" --eps 3/4 \
    --delta 1/8 --seed 5 --lr 1/8 --steps 3 --every 1 --json
pycheck "gd, two weighted codes, from A^T + (1/8) D: the run against python's, |W_1 - A^T|^2 = 1/64" '
W1 = mat(d["x1"])
if dist2(W1) != F(1, 64):
    print("|W_1 - A^T|^2 = %s, not 1/64" % dist2(W1))
if d["start"]["delta"] != "1/8" or d["start"]["seed"] != 5:
    print("start: %s" % d["start"])
compare(run(W1, TWO, F(3, 4), F(1, 8), 3))'

call autoencoder train --dict "$tmp/A.csv" --codes "$tmp/two.csv" --eps 3/4 \
    --algo heavy-ball --momentum 1/2 --lr 1/8 --steps 3 --every 1 --json
pycheck "heavy-ball (mu = 1/2), two codes, 3 steps from A^T against python's" '
compare(run(AT, TWO, F(3, 4), F(1, 8), 3, mom=F(1, 2)))'

call autoencoder train --dict "$tmp/A.csv" --codes "$tmp/one.csv" --eps 1/2 \
    --steps 5 --json
pycheck "eps = 1/2, one code: a fixed point (f = 0, gradient 0), the run stays at A^T" '
for p in d["points"]:
    if p["f"] != "0" or p["grad_norm2"] != "0" or p["dist2"] != "0":
        print("t = %d: %s" % (p["t"], p))
v = d["verdict"]
if v["largest"] != "0" or v["last"] != "0" or v["last_vs_start"] != 0:
    print("verdict %s" % v)'

# --- one step against cpwl autoencoder grad --------------------------------

call autoencoder train --dict "$tmp/A.csv" --codes supports:k=2 --eps 3/4 \
    --delta 1/16 --lr 1/4 --steps 1 --json
cp "$tmp/out" "$tmp/train.json"
if [ $have_py -eq 1 ] && [ "$status" -eq 0 ]; then
    python3 - "$tmp/train.json" >"$tmp/W1.csv" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
n = d["n"]
x = d["x1"]
for i in range(d["h"]):
    print(",".join(x[i * n:(i + 1) * n]))
PY
fi
call autoencoder grad --dict "$tmp/A.csv" --codes supports:k=2 --eps 3/4 \
    --at "$tmp/W1.csv" --show-grad --json
PYPRELUDE_GRAD=$PYPRELUDE
PYPRELUDE='import json, sys
from fractions import Fraction as F
g = json.load(sys.stdin)
d = json.load(open("'"$tmp"'/train.json"))'
pycheck "gd from A^T + delta D, one step: W_2 = W_1 - (1/4) E dL/dW(W_1), f(W_1) and |grad f(W_1)|^2 as cpwl autoencoder grad prints them" '
def flat(v):
    out = []
    for a in v:
        out += flat(a) if isinstance(a, list) else [F(a)]
    return out
G = flat(g["grad_W"])
W1 = [F(s) for s in d["x1"]]
W2 = [F(s) for s in d["W_last"]]
if len(G) != len(W1) or W2 != [a - F(1, 4) * b for a, b in zip(W1, G)]:
    print("W_2 is not W_1 - lr G")
p1 = [p for p in d["points"] if p["t"] == 1][0]
if F(g["grad_W_norm2"]) != F(p1["grad_norm2"]) or F(g["loss"]) != F(p1["f"]):
    print("f, |grad|^2 at t = 1: %s, %s against grad'"'"'s %s, %s"
          % (p1["f"], p1["grad_norm2"], g["loss"], g["grad_W_norm2"]))'
PYPRELUDE=$PYPRELUDE_GRAD

# --- float runs, files ------------------------------------------------------

call autoencoder train --dict "$tmp/A.csv" --codes "$tmp/one.csv" --eps 1 \
    --arith binary64 --lr 1/10 --steps 20 --every 5 --json
pycheck "binary64: W_1 = A^T is a float matrix, f(W_1) = 3/8 exactly, dist2 exact rationals" '
p = d["points"][0]
if p["t"] != 1 or F(p["f"]) != F(3, 8) or p["dist2"] != "0":
    print("t = 1: %s" % p)
if d["arith"] != "binary64" or [q["t"] for q in d["points"]] != [1, 6, 11, 16, 21]:
    print("arith %s, points %s" % (d["arith"], [q["t"] for q in d["points"]]))
if d["W_last"] is None:
    print("no W_last")
else:
    W = mat(d["W_last"])
    last = d["points"][-1]
    if F(last["dist2"]) != dist2(W):
        print("dist2 of W_21 is not its exact value")'

call autoencoder train --dict "$tmp/A.csv" --codes "$tmp/one.csv" --eps 1 \
    --lr 1/10 --steps 3 --every 1 --csv "$tmp/run.csv" --json
pycheck "--csv: the rows of the JSON points (arith,t,f,grad_norm,dist2,dist)" '
import csv
rows = list(csv.DictReader(open("'"$tmp"'/run.csv")))
if len(rows) != len(d["points"]):
    print("%d rows" % len(rows))
for r, p in zip(rows, d["points"]):
    if (int(r["t"]), r["f"], r["dist2"], r["arith"]) != (p["t"], p["f"], p["dist2"], "exact"):
        print("row %s against %s" % (r, p))'

call autoencoder train --dict "$tmp/A.csv" --codes "$tmp/one.csv" --eps 1 \
    --lr 1/10 --steps 4
why=""
[ "$status" -eq 0 ] || why=" exit status $status"
grep -q '^verdict     the run stays within r = ' "$tmp/out" \
    || why="$why; no verdict line"
grep -q '^algorithm   gd' "$tmp/out" || why="$why; no algorithm line"
grep -q '^objective' "$tmp/out" && why="$why; an objective line"
report "text: header, table, distances and the verdict in words" "$why"

# --- Ctrl-C -----------------------------------------------------------------

# a million binary64 steps over 15 codes take far longer than a second
if [ -z "$CPWL_WRAP" ]; then
    . "$(dirname "$0")/sigutil.sh"
    "$CPWL" autoencoder train --dict "$tmp/A.csv" --codes supports:k=2 \
        --eps 3/4 --arith binary64 --steps 1000000 --max-steps 100000000 \
        --every 1000 >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    wait_catching "$pid"
    sleep 1
    interrupt "$pid"
    why=""
    [ "$status" -eq 130 ] || why="$why exit status $status, expected 130;"
    grep -q '^verdict' "$tmp/out" || why="$why no verdict;"
    grep -q 'interrupted at t = ' "$tmp/err" || why="$why no message;"
    report "Ctrl-C: the table and verdict so far, exit 130" "$why"
fi

# --- bad input --------------------------------------------------------------

call autoencoder train --codes "$tmp/one.csv" --eps 1
bad "no --dict" "train: --dict A is required"
call autoencoder train --dict "$tmp/A.csv" --codes "$tmp/one.csv" --eps 1 \
    --at "$tmp/A.csv" --delta 1/8
bad "--at with --delta" "--at and --delta cannot be given together"
call autoencoder train --dict "$tmp/A.csv" --codes "$tmp/one.csv" --eps 1 \
    --height 4
bad "--height without --delta" "--height .* needs --delta"
call autoencoder train --dict "$tmp/A.csv" --codes "$tmp/one.csv" --eps 1 \
    --delta -1/8
bad "a negative --delta" "--delta: expected a number >= 0"
call autoencoder train --dict "$tmp/A.csv" --codes "$tmp/one.csv" --eps 1 \
    --opt-eps x
bad "--opt-eps not a number" "--opt-eps"
call autoencoder train --dict "$tmp/A.csv" --codes 'supports:k=3;values=1,2' \
    --eps 1 --steps 10 --max-steps 10
bad "work beyond the budget names the product" \
    "--steps 10 x 160 codes x h n = 24 parameters" "--max-steps"
call autoencoder train --dict "$tmp/A.csv" --codes "$tmp/two.csv" --eps 1 \
    --algo sgd --batch 3
bad "--batch beyond the codes" "--batch 3: the distribution has 2 codes"
call autoencoder train --dict "$tmp/A.csv" --codes "$tmp/one.csv" --eps 1 \
    --algo adam
bad "adam in exact arithmetic (a square root)" "train: exact arithmetic cannot run adam" "square roots"
call autoencoder train --dict "$tmp/A.csv" --codes "$tmp/one.csv" --eps 1 \
    --objective quadratic
bad "--objective is not an option of train" "unknown option --objective"
call autoencoder train --dict "$tmp/A.csv" --codes "$tmp/one.csv" --eps 1 \
    --algo newton
bad "an unknown --algo" "--algo: expected gd"
call autoencoder train --dict "$tmp/A.csv" --codes "$tmp/one.csv" --eps 1 \
    --arith binary8
bad "an unknown --arith" "--arith: expected exact"

echo "1..$n"
[ "$fails" -eq 0 ]
