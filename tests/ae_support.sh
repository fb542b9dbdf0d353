#!/bin/sh
# cpwl autoencoder support (src/cli/autoencoder_support.c) on the issue's
# example, with values derived by hand: A = [e1, e2, e3, e4, a5, a6],
# a5 = (1, 1, 1, 1)/2, a6 = (1, -1, 1, -1)/2, W = A^T.
#   x* = e1 + e5: y = (3/2, 1/2, 1/2, 1/2), Wy = (3/2, 1/2, 1/2, 1/2, 3/2,
#   1/2), the window of {1, 5} is [1/2, 3/2); the supports as eps runs are
#   {} on [3/2, +inf), {1, 5} on [1/2, 3/2), everything on (-inf, 1/2).
#   x = e1 + e2: y = (1, 1, 0, 0), Wy = (1, 1, 0, 0, 1, 0): atom 5 sees
#   both, so the window [1, 1) of {1, 2} is empty.
#   The six codes of support size 1 (value 1): every window is [1/2, 1)
#   (Wy is the atom's 1 and, elsewhere, inner products in {0, +-1/2} with
#   a 1/2 present), so the common window is [1/2, 1) and the best
#   probability 1.
# The JSON answers are also checked against python3 recomputing Wy and
# the supports with exact fractions.  Run by `make check` with CPWL set.

: "${CPWL:?CPWL must name the cpwl binary}"

. "$(dirname "$0")/tap.sh"
tap_init aesupport

cp "$(dirname "$0")/../examples/dict46.csv" "$tmp/A.csv" || exit 99

PYPRELUDE='import json, sys
from fractions import Fraction as F
d = json.load(sys.stdin)
A = [[F(1), F(0), F(0), F(0), F(1, 2), F(1, 2)],
     [F(0), F(1), F(0), F(0), F(1, 2), F(-1, 2)],
     [F(0), F(0), F(1), F(0), F(1, 2), F(1, 2)],
     [F(0), F(0), F(0), F(1), F(1, 2), F(-1, 2)]]
def wy(y):
    return [sum(A[j][i] * y[j] for j in range(4)) for i in range(6)]
def supp(v, eps):
    return [i + 1 for i in range(len(v)) if v[i] > eps]
def q(s):
    return None if s is None else F(s)'

# ---- one code ---------------------------------------------------------------
call autoencoder support --dict "$tmp/A.csv" --x 1,0,0,0,1,0 --eps 1
ok_why
grep -q '^Wy: 3/2,1/2,1/2,1/2,3/2,1/2$' "$tmp/out" || why="$why Wy;"
grep -q '^y = A x: 3/2,1/2,1/2,1/2$' "$tmp/out" || why="$why y;"
grep -q '^support: {1, 5}$' "$tmp/out" || why="$why support;"
grep -q '^window of the support: \[1/2, 3/2)$' "$tmp/out" || why="$why window;"
grep -q '^at eps = 1: support {1, 5}, recovered$' "$tmp/out" \
    || why="$why at eps = 1;"
report "--x e1+e5: Wy, the window [1/2, 3/2), recovered at 1" "$why"

call autoencoder support --dict "$tmp/A.csv" --x 1,0,0,0,1,0 --eps 3/2
ok_why
grep -q '^at eps = 3/2: support {}, not recovered$' "$tmp/out" \
    || why="$why at eps = 3/2;"
report "--x e1+e5 --eps 3/2: the upper end is outside (relu(0) = 0)" "$why"

call autoencoder support --dict "$tmp/A.csv" --x 1,1,0,0,0,0
ok_why
grep -q '^window of the support: empty (lo 1 >= hi 1)$' "$tmp/out" \
    || why="$why window;"
report "--x e1+e2: the empty window [1, 1)" "$why"

call autoencoder support --dict "$tmp/A.csv" --x 1,0,0,0,1,0 --eps 1/2 --json
pycheck "--x --json: the window and the support at eps, by python" '
x = [F(v) for v in d["x"]]
y = [sum(A[j][i] * x[i] for i in range(6)) for j in range(4)]
v = wy(y)
s = [i + 1 for i in range(6) if x[i] != 0]
lo = max(v[i - 1] for i in range(1, 7) if i not in s)
hi = min(v[i - 1] for i in s)
if [F(t) for t in d["y"]] != y: print("y")
if [F(t) for t in d["Wy"]] != v: print("Wy")
if d["support"] != s or s != [1, 5]: print("support")
w = d["window"]
if (q(w["lo"]), q(w["hi"])) != (lo, hi) or (lo, hi) != (F(1, 2), F(3, 2)):
    print("window", w)
if w["empty"]: print("empty")
if d["support_at_eps"] != supp(v, F(1, 2)) or not d["recovered"]:
    print("at eps")'

# ---- one point ----------------------------------------------------------------
call autoencoder support --dict "$tmp/A.csv" --y 3/2,1/2,1/2,1/2 --eps 1/4
ok_why
grep -q '^  eps in \[3/2, +inf): {}$' "$tmp/out" || why="$why [3/2, +inf);"
grep -q '^  eps in \[1/2, 3/2): {1, 5}$' "$tmp/out" || why="$why [1/2, 3/2);"
grep -q '^  eps in (-inf, 1/2): {1, 2, 3, 4, 5, 6}$' "$tmp/out" \
    || why="$why (-inf, 1/2);"
grep -q '^at eps = 1/4: support {1, 2, 3, 4, 5, 6}$' "$tmp/out" \
    || why="$why at 1/4;"
report "--y: the three supports as eps runs, everything at 1/4" "$why"

call autoencoder support --dict "$tmp/A.csv" --y 1/3,-2,5/7,1 --eps 0 --json
pycheck "--y --json: every interval's support, by python" '
y = [F(t) for t in d["y"]]
v = wy(y)
if [F(t) for t in d["Wy"]] != v: print("Wy")
ends = sorted(set(v), reverse=True)
iv = d["intervals"]
if len(iv) != len(ends) + 1: print("intervals", len(iv))
for j, it in enumerate(iv):
    w = it["window"]
    lo, hi = q(w["lo"]), q(w["hi"])
    if lo != (ends[j] if j < len(ends) else None): print("lo", j)
    if hi != (ends[j - 1] if j > 0 else None): print("hi", j)
    # a point of the interval and its support, recomputed
    p = lo if lo is not None else hi - 1
    if it["support"] != supp(v, p): print("support", j)
if d["support_at_eps"] != supp(v, F(0)): print("at eps")'

# ---- code distributions -----------------------------------------------------
call autoencoder support --dict "$tmp/A.csv" --codes supports:k=1 --eps 1/2
ok_why
grep -q '^codes: 6 (supports:k=1)$' "$tmp/out" || why="$why count;"
grep -q '^common window (every code recovered): \[1/2, 1)$' "$tmp/out" \
    || why="$why common;"
grep -q '^best probability: 1 for eps in \[1/2, 1)$' "$tmp/out" \
    || why="$why best;"
grep -q '^codes no eps recovers: 0$' "$tmp/out" || why="$why none empty;"
grep -q '^at eps = 1/2: probability 1; codes that fail: 0$' "$tmp/out" \
    || why="$why at 1/2;"
report "--codes supports:k=1: common window [1/2, 1), probability 1" "$why"

printf 'p,x1,x2,x3,x4,x5,x6\n1/2,1,0,0,0,1,0\n1/2,1,1,0,0,0,0\n' \
    >"$tmp/codes.csv"
call autoencoder support --dict "$tmp/A.csv" --codes "$tmp/codes.csv" \
    --eps 1 --json
pycheck "--codes --json: e1+e5 and e1+e2 (empty window), by python" '
if d["count"] != 2 or d["examined"] != 2 or d["interrupted"]: print("count")
if not d["common"]["empty"]: print("common")
if F(d["best"]) != F(1, 2): print("best")
w = d["best_window"]
if (q(w["lo"]), q(w["hi"])) != (F(1, 2), F(3, 2)): print("best window")
if d["no_window"] != 1 or d["no_window_codes"] != [
        {"index": 1, "x": ["1", "1", "0", "0", "0", "0"]}]: print("no window")
if F(d["prob"]) != F(1, 2) or d["failed"] != 1: print("prob")
if [c["index"] for c in d["failed_codes"]] != [1]: print("failed codes")
# the probability at 1 recounted
p = F(0)
for c in ([1, 0, 0, 0, 1, 0], [1, 1, 0, 0, 0, 0]):
    y = [sum(A[j][i] * c[i] for i in range(6)) for j in range(4)]
    if supp(wy(y), F(1)) == [i + 1 for i in range(6) if c[i]]: p += F(1, 2)
if p != F(d["prob"]): print("recount")'

call autoencoder support --dict "$tmp/A.csv" --codes "$tmp/codes.csv" \
    --max-fail 0 --eps 1
ok_why
grep -q '^codes no eps recovers: 1$' "$tmp/out" || why="$why count;"
grep -q '^  code' "$tmp/out" && why="$why a code listed;"
report "--max-fail 0: counted, none listed" "$why"

# ---- another W ----------------------------------------------------------------
# W = A^T but row 5 = (1/2, 1/2, 1/2, 0): (Wy)_5 = 3/4 + 1/4 + 1/4 = 5/4,
# so the window of {1, 5} becomes [1/2, 5/4) and eps = 5/4 drops atom 5.
cat >"$tmp/W.csv" <<'EOF'
1,0,0,0
0,1,0,0
0,0,1,0
0,0,0,1
1/2,1/2,1/2,0
1/2,-1/2,1/2,-1/2
EOF
call autoencoder support --dict "$tmp/A.csv" --at "$tmp/W.csv" \
    --x 1,0,0,0,1,0 --eps 5/4
ok_why
grep -q '^Wy: 3/2,1/2,1/2,1/2,5/4,1/2$' "$tmp/out" || why="$why Wy;"
grep -q '^window of the support: \[1/2, 5/4)$' "$tmp/out" || why="$why window;"
grep -q '^at eps = 5/4: support {1}, not recovered$' "$tmp/out" \
    || why="$why at 5/4;"
report "--at W: Wy and the window [1/2, 5/4) by hand" "$why"

call autoencoder support --dict "$tmp/A.csv" --at "$tmp/A.csv" --y 1,1,1,1
bad "--at W of the wrong size" 'A.csv'

# ---- progress ---------------------------------------------------------------
# --progress reports every 4096 codes (CPWL_PROGRESS_INTERVAL=0: each one a
# line): one line for the 4960 codes of [I_16, H_16/4], k = 3.
if [ -z "$CPWL_WRAP" ]; then
    run autoencoder gen dict union:n=16 -o "$tmp/U.csv" >/dev/null 2>&1
    CPWL_PROGRESS_INTERVAL=0 run autoencoder support --dict "$tmp/U.csv" \
        --codes supports:k=3 --progress >"$tmp/out" 2>"$tmp/err"
    status=$?
    why=""
    [ "$status" -eq 0 ] || why="$why exit status $status;"
    grep -q 'codes 4096/4960' "$tmp/err" || why="$why no progress line;"
    grep -q '^codes: 4960 (supports:k=3)$' "$tmp/out" || why="$why count;"
    report "--progress: a line at 4096 of 4960 codes" "$why"
fi

# ---- bad input ----------------------------------------------------------------
call autoencoder support --dict "$tmp/A.csv" --codes supports:k=1 \
    --max-codes 5
bad "more codes than --max-codes" 'has 6 codes' 'max-codes'
call autoencoder support --x 1,0,0,0,1,0
bad "no --dict" 'dict'
call autoencoder support --dict "$tmp/A.csv" --x 1,0,0,0,1,0 --y 1,1,1,1
bad "--x and --y together" 'exactly one of'
call autoencoder support --dict "$tmp/A.csv" --x 1,0,0
bad "--x of the wrong length" '--x: expected 6 entries'
call autoencoder support --dict "$tmp/A.csv" --x 1,0,0,0,1,0 --eps 1,1,1,1,1,1
bad "--eps a list" 'one threshold'
call autoencoder support --dict "$tmp/A.csv" --x 1,0,0,0,1,0 --eps 0.x
bad "--eps not a number" 'eps'
call autoencoder support --dict "$tmp/A.csv" --codes supports:k=1 \
    --max-fail -1
bad "--max-fail negative" 'max-fail'
printf 'p,x1,x2,x3,x4,x5,x6\n1/2,1,0,0,0,1,0\n1/3,1,1,0,0,0,0\n' \
    >"$tmp/bad.csv"
call autoencoder support --dict "$tmp/A.csv" --codes "$tmp/bad.csv"
bad "probabilities that do not sum to 1" 'bad.csv'
printf '1,0\n0\n' >"$tmp/ragged.csv"
call autoencoder support --dict "$tmp/ragged.csv" --y 1,1
bad "a ragged dictionary" 'ragged.csv'
call autoencoder support --dict "$tmp/A.csv" --y 1,1,1,1 stray
bad "a stray argument" 'stray'

# ---- Ctrl-C ----------------------------------------------------------------
# [I_16, H_16/4] and every support of size 6: 906192 codes, about ten
# seconds.
if [ -z "$CPWL_WRAP" ]; then
    . "$(dirname "$0")/sigutil.sh"
    run autoencoder gen dict union:n=16 -o "$tmp/U.csv" >/dev/null 2>&1
    "$CPWL" autoencoder support --dict "$tmp/U.csv" --codes supports:k=6 \
        --json >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    wait_catching "$pid"
    sleep 1
    interrupt $pid
    why=""
    [ "$status" -eq 130 ] || why="$why exit status $status, expected 130;"
    grep -q "partial" "$tmp/err" || why="$why no 'partial' on stderr;"
    if [ $have_py -eq 1 ]; then
        printf '%s\n' 'import json, sys
d = json.load(sys.stdin)
if not d["interrupted"]: print("not marked interrupted")
if not 0 < d["examined"] < d["count"] == 906192: print("examined", d["examined"])' \
            >"$tmp/check.py"
        why="$why$(python3 "$tmp/check.py" <"$tmp/out" 2>&1)"
    fi
    report "Ctrl-C: what was examined, marked partial, exit 130" "$why"
fi

echo "1..$n"
[ "$fails" -eq 0 ]
