#!/bin/sh
# cpwl tron from the command line, against values computed here
# independently of cpwl: the thesis's example by hand (w_2 = (1/4, -1/2),
# w_5 = (175/256, -175/128), |w_t - w*|^2 = 5 (9/16)^(t-1)), its
# certificate (c_1 = 1/2, eta = 1/2, rho = 7/8; b = 2: 9/32, 8/9, 7/9),
# the population trajectories of tron, sgd and glm-tron:identity and the
# worst-case poisoning on a non-symmetric support against a second
# implementation in python3's fractions, Neuro-Tron's w_t = 2 - 2^(2-t),
# the linear recursion's gap (1/8, 1/8) by hand, the CSV and picture
# files, Ctrl-C, and every bad input with exit status 2 and one line.

: "${CPWL:?CPWL must name the cpwl binary}"

. "$(dirname "$0")/tap.sh"
tap_init tron

PYHEAD='import json, sys
from fractions import Fraction as F
if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)
d = json.load(sys.stdin)
def w(run, t):
    for p in d["runs"][run]["points"]:
        if p["t"] == t:
            return [F(v) for v in p["w"]]
    print("no w_%d in run %d" % (t, run)); sys.exit(0)
def d2(run, t):
    for p in d["runs"][run]["points"]:
        if p["t"] == t:
            return F(p["dist2"])
    print("no w_%d in run %d" % (t, run)); sys.exit(0)
def relu(z):
    return z if z > 0 else F(0)
def dot(a, b):
    return sum((x * y for x, y in zip(a, b)), F(0))
# the population update written again: pts [(p, x)], labels relu(<ws, x>)
def step(algo, pts, ws, wt, eta, d0=0, beta=F(0), theta=F(0)):
    u = [F(0)] * len(wt)
    for p, x in pts:
        y = relu(dot(ws, x))
        s = 1 if dot([a - b for a, b in zip(wt, ws)], x) >= 0 else -1
        y += beta * theta * s
        z = dot(wt, x)
        if algo == "identity":
            r = y - z
        elif algo == "sgd":
            if z < 0 or (z == 0 and d0 == 0):
                continue
            r = y - relu(z)
        else:
            r = y - relu(z)
        u = [a + p * r * b for a, b in zip(u, x)]
    return [a + eta * b for a, b in zip(wt, u)]'
PYPRELUDE=$PYHEAD

printf 'p,x1,x2\n1/4,1,0\n1/4,-1,0\n1/4,0,1\n1/4,0,-1\n' >"$tmp/cross.csv"
printf '# not symmetric\np;x1;x2;x3\n1/3;1;2;0\n1/6;-1;0;1/2\n1/4;0;-3;1\n1/4;2;1;-1\n' \
    >"$tmp/asym.csv"
ASYM='[(F(1,3),[F(1),F(2),F(0)]),(F(1,6),[F(-1),F(0),F(1,2)]),(F(1,4),[F(0),F(-3),F(1)]),(F(1,4),[F(2),F(1),F(-1)])]'

# ---- the thesis's example ------------------------------------------------
call tron "$tmp/cross.csv" --wstar 1,-2 --steps 30 --every 1 --compare sgd \
    --json
pycheck "population Tron: w_2, w_5, 5 (9/16)^(t-1); SGD stays at 0" '
if w(0, 2) != [F(1, 4), F(-1, 2)]: print("w_2 = %s" % w(0, 2))
if w(0, 5) != [F(175, 256), F(-175, 128)]: print("w_5 = %s" % w(0, 5))
for t in range(1, 32):
    if d2(0, t) != 5 * F(9, 16) ** (t - 1): print("|w_%d - w*|^2" % t)
    if w(1, t) != [0, 0]: print("sgd moved at t = %d" % t)'

call tron "$tmp/cross.csv" --wstar 1,-2 --steps 20 --certify
ok_why
for re in 'symmetric +yes' 'lambda_min\(Sigma\) 1/2' 'c_b +1/2 ' \
    'eta\* +1/2 ' 'rho\* +7/8 ' 'rho\(eta\) +7/8 ' \
    'check .* t = 1\.\.21: holds$' '^eta +1/2$'; do
    grep -E -q -e "$re" "$tmp/out" || why="$why no /$re/;"
done
report "--certify, b = 1: c_1 = 1/2, eta = 1/2, rho = 7/8, holds" "$why"

call tron "$tmp/cross.csv" --wstar 1,-2 --steps 20 --certify --batch 2 --json
pycheck "--certify, b = 2: c_2 = 9/32, eta = 8/9, rho = 7/9" '
c = d["certificate"]
if c["eta"] != "8/9" or c["rho"] != "7/9": print(c["eta"], c["rho"])
if not c["checked"] or not c["holds"]: print("not checked or not holding")
r = F(7, 9)
for t in range(1, 22):
    if d2(0, t) > r ** (t - 1) * 5: print("bound fails at %d" % t)'

# ---- a non-symmetric support against python3 -----------------------------
call tron "$tmp/asym.csv" --wstar 1,-1,2 --w1 1/2,1/2,-1/2 --eta 2/3 \
    --steps 12 --every 1 --compare sgd --json
pycheck "tron and sgd population trajectories = fractions" '
P = '"$ASYM"'
ws = [F(1), F(-1), F(2)]
a = [F(1, 2), F(1, 2), F(-1, 2)]; b = list(a)
for t in range(1, 14):
    if w(0, t) != a: print("tron w_%d: %s != %s" % (t, w(0, t), a))
    if w(1, t) != b: print("sgd w_%d: %s != %s" % (t, w(1, t), b))
    a = step("tron", P, ws, a, F(2, 3)); b = step("sgd", P, ws, b, F(2, 3))'

call tron "$tmp/asym.csv" --wstar 1,-1,2 --algo glm-tron:identity \
    --compare tron --poison 1/3:1/2:worst --steps 8 --every 1 --json
pycheck "glm-tron:identity and worst-case poisoning = fractions" '
P = '"$ASYM"'
ws = [F(1), F(-1), F(2)]
a = [F(0)] * 3; b = list(a)
for t in range(1, 10):
    if w(0, t) != a: print("glm w_%d: %s != %s" % (t, w(0, t), a))
    if w(1, t) != b: print("poisoned tron w_%d: %s != %s" % (t, w(1, t), b))
    a = step("identity", P, ws, a, F(1), beta=F(1,3), theta=F(1,2))
    b = step("tron", P, ws, b, F(1), beta=F(1,3), theta=F(1,2))'

printf 'p,x1,x2\n1/2,1,0\n1/4,0,1\n1/4,-1,-1\n' >"$tmp/asym2.csv"
call tron "$tmp/asym2.csv" --wstar 1,-2 --steps 3 --certify
ok_why
grep -q 'symmetric *no: the assumption fails (row 1: x = (1, 0)' "$tmp/out" \
    || why="$why no failed symmetry with row 1;"
grep -q 'breaks first at t = 1: .* is 1/8, 1/8$' "$tmp/out" \
    || why="$why no gap 1/8, 1/8 at t = 1;"
grep -q '^  check' "$tmp/out" && why="$why a check ran on a non-symmetric law;"
report "non-symmetric: the assumption and the linear recursion's gap" "$why"

# ---- data without w*: the loss ----------------------------------------------
# The cross's points with their labels: by symmetry w_t - w* = (3/4)^(t-1)
# (w_1 - w*) as above, and the loss (1/2) E (y - relu(<w_t, x>))^2 is
# (5/8) (9/16)^(t-1) (at w_t the residuals are (3/4)^(t-1) times those at 0).
printf '1,0,1\n0,1,0\n-1,0,0\n0,-1,2\n' >"$tmp/data.csv"
call tron "$tmp/data.csv" --data --steps 9 --every 1 --json
pycheck "data without w*: the loss (5/8) (9/16)^(t-1)" '
for p in d["runs"][0]["points"]:
    l = p["loss"]
    if l["rad"] != "0" or F(l["mid"]) != F(5, 8) * F(9, 16) ** (p["t"] - 1):
        print("loss at t = %d: %s" % (p["t"], l))
if len(d["runs"][0]["points"]) != 10: print("points")'

# ---- Neuro-Tron ------------------------------------------------------------
printf '1,1,1\n' >"$tmp/one.csv"
call tron "$tmp/one.csv" --algo neuro-tron --filter 1,0 --filter 0,1 \
    --wstar 2 --eta 1/2 --steps 10 --every 1 --json
pycheck "neuro-tron: w_t = 2 - 2^(2-t)" '
for t in range(2, 12):
    if w(0, t) != [2 - F(1, 2 ** (t - 2))]: print("w_%d = %s" % (t, w(0, t)))'

# ---- files -----------------------------------------------------------------
call tron "$tmp/cross.csv" --wstar 1,-2 --steps 10 --certify \
    --csv "$tmp/t.csv" --png "$tmp/t.png"
ok_why
# (--certify's eta = 1/2: |w_5 - w*|^2 = 5 (7/8)^8)
grep -q '^tron,exact,5,28824005/16777216,0,' "$tmp/t.csv" 2>/dev/null \
    || why="$why CSV row of t = 5;"
[ "$(wc -l <"$tmp/t.csv")" -eq 12 ] || why="$why CSV rows;"
sig=$(od -An -c -N4 "$tmp/t.png" 2>/dev/null | tr -d ' ')
[ "$sig" = '211PNG' ] || why="$why PNG header $sig;"
report "CSV rows and a PNG" "$why"

# ---- sampled laws ----------------------------------------------------------
call tron gaussian:n=2 --wstar 1,-2 --online --batch 4 --steps 50 \
    --arith binary64 --seed 7 --json
pycheck "online draws of a Gaussian: 200 draws, w_51 nearer w* than w_1" '
r = d["runs"][0]
if r["draws"] != 200: print("draws %d" % r["draws"])
if not d2(0, 51) < d2(0, 1): print("no progress")'

# ---- Ctrl-C ----------------------------------------------------------------
# The exact population trajectory of the cross with w_1 = (1/3, 1/3) has
# denominators 3 4^(t-1): a million steps take far longer than a second.
if [ -z "$CPWL_WRAP" ]; then
    . "$(dirname "$0")/sigutil.sh"
    "$CPWL" tron "$tmp/cross.csv" --wstar 1,-2 --w1 1/3,1/3 --steps 1000000 \
        --json >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    wait_catching "$pid"
    sleep 1
    interrupt $pid
    why=""
    [ "$status" -eq 130 ] || why="$why exit status $status, expected 130;"
    grep -q "interrupted" "$tmp/err" || why="$why no 'interrupted' on stderr;"
    if [ $have_py -eq 1 ]; then
        printf '%s\n' "$PYHEAD" 'r = d["runs"][0]
if not d["interrupted"]: print("not marked interrupted")
p = r["points"][-1]
t = p["t"]
if t != r["steps_done"] + 1 or not 1 < t < 1000001: print("last t = %d" % t)
e = [F(1) - F(2, 3) * F(3, 4) ** (t - 1), F(-2) + F(7, 3) * F(3, 4) ** (t - 1)]
if [F(v) for v in p["w"]] != e: print("w_%d is not the closed form" % t)' \
            >"$tmp/check.py"
        why="$why$(python3 "$tmp/check.py" <"$tmp/out" 2>&1)"
    fi
    report "Ctrl-C: the JSON up to the last iterate, exit 130" "$why"
fi

# Ctrl-C in the exact law (b = 2 on the cross: tens of seconds to its
# state cap): the law up to where it got, marked interrupted, exit 130.
if [ -z "$CPWL_WRAP" ]; then
    "$CPWL" tron "$tmp/cross.csv" --wstar 1,-2 --steps 200 --batch 2 \
        --certify --law >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    wait_catching "$pid"
    sleep 1
    interrupt $pid
    why=""
    [ "$status" -eq 130 ] || why="$why exit status $status, expected 130;"
    grep -q '^  law .* of 201 (interrupted): the bound holds$' "$tmp/out" \
        || why="$why no interrupted law line;"
    report "Ctrl-C in --law: the law so far, exit 130" "$why"
fi

# ---- checks that would not be the theorem's are not run ------------------
call tron "$tmp/cross.csv" --wstar 1,-2 --steps 3 --certify --arith binary64
ok_why
grep -q '^  check  *not run: .*--arith exact' "$tmp/out" \
    || why="$why the check ran on a rounded trajectory;"
report "--certify in binary64: the check is not run" "$why"
printf '1,0,1\n0,1,0\n-1,0,0\n0,-1,3\n' >"$tmp/data3.csv"
call tron "$tmp/data3.csv" --data --wstar 1,-2 --steps 3 --certify --law
ok_why
grep -q "^  check  *not run: the data's labels are not relu" "$tmp/out" \
    || why="$why the check ran on labels that are not the gate's;"
grep -q '^  law ' "$tmp/out" && why="$why the law ran;"
report "--certify on data whose labels are not relu(<w*, x>)" "$why"

# ---- bad input: exit 2 and one line ----------------------------------------
printf 'p,x\n1/2,1\n1/4,-1\n' >"$tmp/sum.csv"
call tron "$tmp/sum.csv" --wstar 1
bad "probabilities that do not sum to 1" 'sum\.csv' '3/4'
call tron "$tmp/cross.csv" --wstar 1,-2,3
bad "w* of the wrong dimension" 'wstar'
call tron "$tmp/cross.csv" --wstar 1,-2 --poison 3/2:1
bad "beta outside [0, 1]" 'beta'
call tron "$tmp/cross.csv" --wstar 1,-2 --poison 1/2:1:nasty
bad "an unknown adversary" 'random or worst'
call tron gaussian:n=2 --wstar 1,-2
bad "a law without --online or --samples" 'gaussian'
call tron "$tmp/cross.csv" --wstar 1,-2 --algo adam
bad "an unknown algorithm" 'algo'
call tron "$tmp/cross.csv"
bad "no --wstar" 'wstar'
call tron "$tmp/cross.csv" --wstar 1,-2 --algo glm-tron --online
bad "glm-tron on fresh draws" 'glm-tron'
call tron "$tmp/cross.csv" --wstar 1,-2 --algo sgd --certify
bad "--certify of sgd" 'certif'
call tron "$tmp/cross.csv" --wstar 1,-2 --steps 2000000
bad "beyond --max-steps" 'max-steps'
call tron "$tmp/nonexistent.csv" --wstar 1
bad "a missing file" 'nonexistent'
call tron "gaussian:n=0" --wstar 1 --online
bad "a law with n = 0" 'n'

echo "1..$n"
[ "$fails" -eq 0 ]
