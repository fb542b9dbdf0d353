#!/bin/sh
# cpwl pacbayes certify --loss bce (the bounded cross-entropy of PBB)
# against python3 + mpmath.  Python cannot reproduce the draws, so the
# values are checked on the examples/ posterior with every sigma 2^-60:
# then a sampled network has the means' weights exactly (fl(+-1 + 2^-60
# xi) = +-1) and hidden biases of about 2^-60, so f(x) = 1 - |x1| - |x2|
# up to 2^-55 and each loss up to 10^-16; mpmath at 40 digits takes the
# loss of the mean network on the data rows (exact fractions).  The
# reported upper bound must lie above that average (less a 10^-15 slack
# for the biases) and within a relative 10^-9 of it, the enclosure must
# contain it, the cap must fall on exactly the points on the wrong side
# (p_min = 1/2), and the sample-convergence and Maurer terms must follow
# from the printed e_N.  Then the examples' posterior (fields consistent,
# the same seed gives the same certificate) and bad input (exit 2, one
# line).

: "${CPWL:?CPWL must name the cpwl binary}"
: "${CPWL_EXAMPLES:?CPWL_EXAMPLES must name the examples directory}"

. "$(dirname "$0")/tap.sh"
tap_init pb_loss

EX=$CPWL_EXAMPLES
POST=$EX/pb_posterior.json
PRIOR=$EX/pb_prior.json
DATA=$EX/pb_data.csv

have_mp=0
if [ $have_py -eq 1 ] && python3 -c 'import mpmath' 2>/dev/null; then
    have_mp=1
fi

python3 -c '
import json, sys
g = json.load(open(sys.argv[1]))
g["sigma"] = "0x1p-60"
json.dump(g, open(sys.argv[2], "w"))' "$POST" "$tmp/tiny.json" 2>/dev/null

PYPRELUDE='import sys, json, math
from fractions import Fraction as F
import mpmath
mpmath.mp.dps = 40
def kl(q, p):
    t = 0.0
    if q > 0: t += q * math.log(q / p)
    if q < 1: t += (1 - q) * math.log((1 - q) / (1 - p))
    return t
def klinv(q, c):
    lo, hi = q, 1.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if mid >= 1 or kl(q, mid) > c: hi = mid
        else: lo = mid
    return lo
def rows():
    out = []
    for line in open("'"$DATA"'"):
        if line.startswith("#") or line.startswith("x1"): continue
        a, b, y = line.strip().split(",")
        out.append((F(a), F(b), int(y)))
    return out
def mean_loss(pmin):
    # -ln p_y with p_1 = 1/(1 + e^-f), p_0 = 1/(1 + e^f), f = 1 - |x1| - |x2|
    pm = mpmath.mpf(pmin.numerator) / pmin.denominator
    tot, capped = mpmath.mpf(0), 0
    for a, b, y in rows():
        f = mpmath.mpf((1 - abs(a) - abs(b)).numerator) / (1 - abs(a) - abs(b)).denominator
        p = 1 / (1 + mpmath.exp(-f)) if y == 1 else 1 / (1 + mpmath.exp(f))
        if p < pm:
            tot += 1; capped += 1
        else:
            tot += -mpmath.log(p) / mpmath.log(1 / pm)
    return tot / len(rows()), capped
def ball(s):
    m, _, r = s.strip("[]").partition("+/-")
    return mpmath.mpf(m), mpmath.mpf(r or "0")
def text_fields(s):
    d = {}
    for line in s.splitlines():
        k, _, v = line.partition("  ")
        d[k.strip()] = v.strip()
    return d'

# mpcheck DESC CODE: pycheck when mpmath is there.
mpcheck()
{
    if [ $have_mp -eq 0 ]; then
        n=$((n + 1))
        echo "ok $n - $1 # SKIP no python3-mpmath"
        return
    fi
    pycheck "$@"
}

C="pacbayes certify --prior $PRIOR --data $DATA --delta 1/20"
call $C --posterior "$tmp/tiny.json" --samples 3 --seed 5 --loss bce --json
mpcheck "bce, sigma 2^-60: e_N against mpmath, p_min = 1/10000" '
j = json.load(sys.stdin)
want, capped = mean_loss(F(1, 10000))
up = F(j["emp_risk"])
upm = mpmath.mpf(up.numerator) / up.denominator
if not (want - mpmath.mpf("1e-15") <= upm <= want * (1 + mpmath.mpf("1e-9"))):
    print("emp_risk", upm, "mpmath", want)
m, r = ball(j["emp_risk_enclosure"])
if not (m - r - mpmath.mpf("1e-15") <= want <= m + r + mpmath.mpf("1e-15")):
    print("enclosure", j["emp_risk_enclosure"], want)
if F(j["emp_risk_decimal"]) < up or F(j["emp_risk_decimal"]) > up * (1 + F(1, 10**5)):
    print("decimal", j["emp_risk_decimal"])
if capped != 0: print("capped", capped)
if j["loss"] != "bce" or j["p_min"] != "1/10000" or j["mistakes"] is not None: print("names")
if j["decided_double"] + j["decided_exact"] != 600: print("losses")
q = F(j["emp_risk_upper"])
qf = klinv(float(up), math.log(200) / 3)
if not (qf <= q <= qf * (1 + 1e-5) + 1e-12): print("emp_risk_upper", q, qf)'

call $C --posterior "$tmp/tiny.json" --samples 3 --seed 5 --loss bce \
    --p-min 1/2 --json
cp "$tmp/out" "$tmp/half.json"
mpcheck "bce, sigma 2^-60, p_min = 1/2: the cap on the wrong side" '
j = json.load(sys.stdin)
want, capped = mean_loss(F(1, 2))
up = F(j["emp_risk"])
upm = mpmath.mpf(up.numerator) / up.denominator
if not (want - mpmath.mpf("1e-15") <= upm <= want * (1 + mpmath.mpf("1e-9"))):
    print("emp_risk", upm, "mpmath", want)
# the 3 rows labelled against the rule, and no other, are capped
if capped != 3: print("capped", capped)
if j["p_min"] != "1/2": print(j["p_min"])'

call $C --posterior "$tmp/tiny.json" --samples 3 --seed 5 --loss bce \
    --p-min 1/2
mpcheck "bce: the text says what the JSON says" '
d = text_fields(sys.stdin.read())
j = json.load(open("'"$tmp"'/half.json"))
if "bounded cross-entropy" not in d["loss"] or not d["loss"].endswith("p_min = 1/2"): print(d["loss"])
if j["emp_risk_decimal"] not in d["average loss"] or j["emp_risk_enclosure"] not in d["average loss"]: print(d["average loss"])
if d["certificate"].split()[2] != j["certificate"]: print(d["certificate"])
if not d["losses"].startswith("600 from double"): print(d["losses"])'

# The examples posterior: consistent fields, reproducible, the 0-1 run
# unchanged by the new options' defaults.
call $C --posterior "$POST" --samples 200 --seed 9 --loss bce --json
cp "$tmp/out" "$tmp/ex.json"
mpcheck "bce on examples/: e_N^up in the enclosure's reach, the terms from it" '
j = json.load(sys.stdin)
up = F(j["emp_risk"])
# exact comparisons: the printed ball contains the average, and e_N^up
# exceeds it by at most the 2^-128 units the upper ends are rounded to
m, _, r = j["emp_risk_enclosure"].strip("[]").partition("+/-")
m, r = F(m.strip()), F(r.strip())
if not (m - r <= up <= m + r + F(1, 2**100)): print("enclosure", up, j["emp_risk_enclosure"])
if not (0 < up <= F(j["emp_risk_decimal"]) and up <= F(j["emp_risk_upper"]) <= F(j["certificate"]) < 1): print("order")
if j["decided_double"] + j["decided_exact"] != 200 * 200: print("losses")
# a bounded loss above the 0-1 rate of the example (3/200: the label noise)
if not (F(3, 200) < up < F(1, 2)): print("e_N", up)
# the sample-convergence bound from e_N^up, Maurer with KL = 21 ln 2 - 9/4
q = F(j["emp_risk_upper"])
qf = klinv(float(up), math.log(200) / 200)
if not (qf <= q <= qf * (1 + 1e-5) + 1e-12): print("emp_risk_upper", q, qf)
K = 21 * math.log(2) - 2.25
bf = klinv(float(q), (K + math.log(2 * math.sqrt(200) / 0.05)) / 200)
cert = F(j["certificate"])
if not (bf <= cert <= bf * (1 + 1e-5) + 1e-12) or j["vacuous"]: print("certificate", cert, bf)'
call $C --posterior "$POST" --samples 200 --seed 9 --loss bce --json
mpcheck "bce: the same seed gives the same certificate" '
a = json.load(sys.stdin); b = json.load(open("'"$tmp"'/ex.json"))
a.pop("seconds"); b.pop("seconds")
if a != b: print(a, b)'
call $C --posterior "$POST" --samples 20 --seed 9 --loss 01 --json
mpcheck "--loss 01: the 0-1 loss, as without --loss" '
j = json.load(sys.stdin)
if j["loss"] != "01" or F(j["emp_risk"]) != F(int(j["mistakes"]), 4000): print(j["loss"], j["emp_risk"])'

# Bad input: exit 2 and one line.
B="$C --posterior $POST --samples 10"
call $B --loss bce --p-min 0
bad "--p-min 0" "--p-min: expected a number in \(0, 1\)"
call $B --loss bce --p-min 1
bad "--p-min 1" "--p-min: expected a number in \(0, 1\)"
call $B --loss bce --p-min -1/2
bad "--p-min -1/2" "--p-min: expected a number in \(0, 1\)"
call $B --loss bce --p-min junk
bad "--p-min junk" "--p-min: malformed number"
call $B --loss ce
bad "--loss ce" "--loss: expected 01 or bce, got \"ce\""
call $B --p-min 1/100
bad "--p-min without --loss bce" "--p-min applies to --loss bce only"

echo "1..$n"
[ "$fails" -eq 0 ]
