#!/bin/sh
# cpwl pacbayes kl-inv and cpwl pacbayes bound from the command line,
# against values computed here independently of cpwl: mpmath at 50 digits
# (python3-mpmath; the kl inverse by its own bisection, the bounds from
# their formulas) and exact fractions, the printed rationals checked to
# bracket the true value, and every bad input with exit 2 and one line.
# Run by `make check` like tests/cli.sh.

: "${CPWL:?CPWL must name the cpwl binary}"

. "$(dirname "$0")/tap.sh"
tap_init pb_cli

# The shared python: kl, its inverse by bisection at 50 digits, and a
# check that the exact rationals lo <= v <= hi with a tolerance-free
# comparison (v is a 50-digit value; the printed ends differ from it by
# far more than 10^-45 unless they are wrong).
have_mp=1
python3 -c 'import mpmath' >/dev/null 2>&1 || have_mp=0
PYPRELUDE='import json, sys
from fractions import Fraction
import mpmath as mp
mp.mp.dps = 50
def kl(q, p):
    q = mp.mpf(q); p = mp.mpf(p)
    a = q * mp.log(q / p) if q > 0 else mp.mpf(0)
    b = (1 - q) * mp.log((1 - q) / (1 - p)) if q < 1 else mp.mpf(0)
    return a + b
def klinv(q, c):
    q = mp.mpf(q); lo, hi = q, mp.mpf(1)
    for i in range(200):
        mid = (lo + hi) / 2
        if kl(q, mid) > c: hi = mid
        else: lo = mid
    return lo
def fr(s):
    return Fraction(s)
def brackets(lo, hi, v, what):
    # lo <= v <= hi, with v known to 10^-45
    lo = mp.mpf(lo.numerator) / lo.denominator
    hi = mp.mpf(hi.numerator) / hi.denominator
    eps = mp.mpf(10) ** -45
    if not (lo <= v + eps and v - eps <= hi):
        print("%s: [%s, %s] does not contain %s" % (what, lo, hi, v))
    if hi - lo > mp.mpf(10) ** -15 and what.find("wide") < 0:
        print("%s: [%s, %s] is wide" % (what, lo, hi))
'
# The python checks run in one python3 at the end (importing mpmath costs
# a third of a second): `later DESC SCRIPT` keeps the last call's output,
# its clean-success verdict and the script (which reads the output as
# `out`); run_later runs them all after PYPRELUDE and reports each.
later_n=0
later()
{
    later_n=$((later_n + 1))
    ok_why
    printf '%s' "$why" >"$tmp/why_$later_n"
    cp "$tmp/out" "$tmp/out_$later_n"
    printf '%s\n' "$1" >"$tmp/desc_$later_n"
    printf '%s\n' "$2" >"$tmp/chk_$later_n.py"
}
pycheck() { later "$@"; }
mpcheck() { later "$@"; }

run_later()
{
    k=1
    if [ $have_mp -eq 0 ]; then
        while [ $k -le $later_n ]; do
            n=$((n + 1))
            echo "ok $n - $(cat "$tmp/desc_$k") # SKIP no python3-mpmath"
            k=$((k + 1))
        done
        return
    fi
    printf '%s\n' "$PYPRELUDE" >"$tmp/run.py"
    cat >>"$tmp/run.py" <<'PY'
import contextlib, io, traceback
tmp, count = sys.argv[1], int(sys.argv[2])
base = dict(globals())
for k in range(1, count + 1):
    buf = io.StringIO()
    g = dict(base)
    g["out"] = open("%s/out_%d" % (tmp, k)).read()
    with contextlib.redirect_stdout(buf):
        try:
            exec(open("%s/chk_%d.py" % (tmp, k)).read(), g)
        except Exception:
            print(traceback.format_exc().strip().splitlines()[-1])
    open("%s/res_%d" % (tmp, k), "w").write(buf.getvalue())
PY
    python3 "$tmp/run.py" "$tmp" "$later_n" >"$tmp/run.log" 2>&1
    while [ $k -le $later_n ]; do
        res=$(cat "$tmp/res_$k" 2>/dev/null || echo "no result: $(cat "$tmp/run.log")")
        cp "$tmp/out_$k" "$tmp/out"
        : >"$tmp/err"
        report "$(cat "$tmp/desc_$k")" "$(cat "$tmp/why_$k")$res"
        k=$((k + 1))
    done
}

# ---- kl-inv ---------------------------------------------------------------
call pacbayes kl-inv 0 1/2 --json
mpcheck "kl-inv 0 1/2 = 1 - e^{-1/2}" '
d = json.loads(out)
brackets(fr(d["lo"]), fr(d["hi"]), 1 - mp.exp(-mp.mpf(1) / 2), "kl-inv 0 1/2")
if not (d["lo_checked"] and d["hi_checked"]):
    print("ends not checked")'

call pacbayes kl-inv 0 log:2 --json
mpcheck "kl-inv 0 log:2 = 1/2 exactly inside" '
d = json.loads(out)
if not (fr(d["lo"]) <= Fraction(1, 2) <= fr(d["hi"])):
    print("1/2 not in [%s, %s]" % (d["lo"], d["hi"]))'

# the text form of the issue's command
call pacbayes kl-inv 0 1/2
ok_why
grep -q '^hi  *0\.3934693402873665764 ' "$tmp/out" ||
    why="$why no hi 0.3934693402873665764;"
report "kl-inv 0 1/2: the text output's upper end" "$why"

for args in "1/50 1/12" "9/10 3" "1/3 1e-9" "999/1000 1/100" "1/2 40"; do
    # shellcheck disable=SC2086
    call pacbayes kl-inv $args --json
    mpcheck "kl-inv $args against mpmath bisection" "
q = Fraction('${args% *}'); c = mp.mpf(Fraction('${args#* }').numerator) / Fraction('${args#* }').denominator
d = json.loads(out)
v = klinv(mp.mpf(q.numerator) / q.denominator, c)
brackets(fr(d['lo']), fr(d['hi']), v, 'kl-inv $args')"
    call pacbayes kl-inv $args --lower --json
    mpcheck "kl-inv $args --lower: 1 - kl^-1(1 - q, c)" "
q = Fraction('${args% *}'); c = mp.mpf(Fraction('${args#* }').numerator) / Fraction('${args#* }').denominator
d = json.loads(out)
q1 = 1 - q
v = 1 - klinv(mp.mpf(q1.numerator) / q1.denominator, c)
brackets(fr(d['lo']), fr(d['hi']), v, 'kl-inv $args --lower')"
done

# huge c: the upper end is 1, the lower end below 1 and above 1 - 2^-100
call pacbayes kl-inv 1/2 1000000000 --digits 40 --json
mpcheck "kl-inv 1/2 10^9 (wide): [1 - 2^-100, 1] around the inverse" '
d = json.loads(out)
if fr(d["hi"]) != 1 or not (1 - Fraction(1, 2**100) < fr(d["lo"]) < 1):
    print("[%s, %s]" % (d["lo"], d["hi"]))'

call pacbayes kl-inv 1 5 --json
pycheck "kl-inv 1 5 = 1" '
d = json.loads(out)
if d["lo"] != "1" or d["hi"] != "1":
    print("[%s, %s]" % (d["lo"], d["hi"]))'

call pacbayes kl-inv 3/8 0 --json
pycheck "kl-inv 3/8 0 = 3/8" '
d = json.loads(out)
if d["lo"] != "3/8" or d["hi"] != "3/8":
    print("[%s, %s]" % (d["lo"], d["hi"]))'

# ---- bound ----------------------------------------------------------------
B='--m 60000 --delta 1/40 --kl 5000 --emp-risk 1/50'
call pacbayes bound --bound maurer $B --json
mpcheck "the issue's Maurer bound against mpmath, rounded up" '
d = json.loads(out)
m = 60000; delta = mp.mpf(1) / 40; q = mp.mpf(1) / 50
c = (5000 + mp.log(2 * mp.sqrt(m) / delta)) / m
v = klinv(q, c)
brackets(fr(d["enclosure"][0]), fr(d["enclosure"][1]), v, "enclosure")
u = fr(d["upper"])
if not (mp.mpf(u.numerator) / u.denominator >= v):
    print("upper %s below %s" % (d["upper"], v))
if d["upper_decimal"] != "0.134352" or d["vacuous"]:
    print("upper %s, vacuous %s" % (d["upper_decimal"], d["vacuous"]))
for k in ("bound", "m", "delta", "kl", "emp_risk", "log_term", "complexity", "digits"):
    if k not in d:
        print("no key %s" % k)'

call pacbayes bound --bound maurer $B
ok_why
grep -q '^upper  *0\.134352 = 8397/62500 ' "$tmp/out" ||
    why="$why no upper 0.134352 = 8397/62500;"
report "the issue's Maurer bound, text" "$why"

# each closed-form bound against its formula in mpmath (B = KL + ln(2
# sqrt(m)/delta)); upper >= the value, and the previous 6-digit decimal
# below it
for spec in "mcallester" "classic" "quadratic" "lambda --lambda 1/2" \
    "catoni --catoni-c 3" "langford-seeger"; do
    # shellcheck disable=SC2086
    call pacbayes bound --bound $spec --m 5000 --delta 1/20 --kl 123/4 \
        --emp-risk 3/100 --grid-j 4 --json
    mpcheck "bound $spec (grid j = 4) against its formula" '
d = json.loads(out)
m = 5000; dl = mp.mpf(1) / 20; K = mp.mpf(123) / 4; q = mp.mpf(3) / 100
u = mp.log(mp.pi ** 2 * 16 / 6)
B = K + mp.log(2 * mp.sqrt(m) / dl) + u
k = d["bound"]
if k in ("mcallester", "classic"):
    v = q + mp.sqrt(B / (2 * m))
elif k == "quadratic":
    v = (mp.sqrt(q + B / (2 * m)) + mp.sqrt(B / (2 * m))) ** 2
elif k == "lambda":
    l = mp.mpf(1) / 2
    v = q / (1 - l / 2) + B / (m * l * (1 - l / 2))
elif k == "catoni":
    C = 3
    v = (1 - mp.exp(-C * q - (K + mp.log(1 / dl) + u) / m)) / (1 - mp.exp(-C))
else:
    v = klinv(q, (K + mp.log((m + 1) / dl) + u) / m)
brackets(fr(d["enclosure"][0]), fr(d["enclosure"][1]), v, k)
up = fr(d["upper"])
if mp.mpf(up.numerator) / up.denominator < v:
    print("upper below the bound")
s = d["upper_decimal"]
# the previous 6-significant-digit decimal is below the bound
digs = s.replace("0.", "").lstrip("0")
if len(digs) > 6:
    print("upper %s has more than 6 digits" % s)'
done

# vacuous: McAllester with a KL larger than m
call pacbayes bound --bound mcallester --m 100 --delta 1/20 --kl 500 \
    --emp-risk 0 --json
pycheck "a vacuous bound says so" '
d = json.loads(out)
if not d["vacuous"] or Fraction(d["upper"]) < 1:
    print("vacuous %s upper %s" % (d["vacuous"], d["upper"]))'

# KL as log:X
call pacbayes bound --bound maurer --m 100 --delta 1/20 --kl log:3 \
    --emp-risk 1/10 --json
mpcheck "--kl log:3" '
d = json.loads(out)
v = klinv(mp.mpf(1) / 10, (mp.log(3) + mp.log(2 * mp.sqrt(100) * 20)) / 100)
brackets(fr(d["enclosure"][0]), fr(d["enclosure"][1]), v, "log:3")'

# --help on an action: the usage of cpwl pacbayes, exit 0
for a in kl-inv bound kl-gauss certify; do
    call pacbayes $a --help
    ok_why
    grep -q '^usage: cpwl pacbayes ACTION' "$tmp/out" || why="$why no usage;"
    report "pacbayes $a --help" "$why"
done

# ---- bad input: exit 2, one line ------------------------------------------
call pacbayes bound --bound maurer --m 60000 --delta 0 --kl 5 --emp-risk 0
bad "--delta 0" "pacbayes bound: --delta: must be in \(0, 1\)"
call pacbayes bound --bound maurer --m 60000 --delta 1 --kl 5 --emp-risk 0
bad "--delta 1" "--delta: must be in \(0, 1\)"
call pacbayes bound --bound maurer --m 60000 --delta 1/2 --kl -1 --emp-risk 0
bad "--kl -1" "--kl: KL must be >= 0"
call pacbayes bound --bound maurer --m 60000 --delta 1/2 --kl log:1/2 \
    --emp-risk 0
bad "--kl log:1/2 (negative)" "--kl: KL must be >= 0"
call pacbayes bound --bound maurer --m 60000 --delta 1/2 --kl 1 --emp-risk 3/2
bad "--emp-risk 3/2" "--emp-risk: the empirical risk must be in \[0, 1\]"
call pacbayes bound --bound maurer --m 60000 --delta 1/2 --kl 1 --emp-risk -1/2
bad "--emp-risk -1/2" "--emp-risk: the empirical risk must be in \[0, 1\]"
call pacbayes bound --bound maurer --m 0 --delta 1/2 --kl 1 --emp-risk 0
bad "--m 0" "--m: expected an integer from 1"
call pacbayes bound --bound maurer --m 7 --delta 1/2 --kl 1 --emp-risk 0
bad "Maurer with m = 7" "the Maurer bound needs m >= 8"
call pacbayes bound --bound pac --m 70 --delta 1/2 --kl 1 --emp-risk 0
bad "an unknown bound" "--bound: unknown bound \"pac\""
call pacbayes bound --bound maurer --delta 1/2 --kl 1 --emp-risk 0
bad "--m missing" "--m is required"
call pacbayes bound --bound maurer --m 9 --kl 1 --emp-risk 0
bad "--delta missing" "--delta is required"
call pacbayes bound --m 9 --delta 1/2 --kl 1 --emp-risk 0
bad "--bound missing" "--bound is required"
call pacbayes bound --bound lambda --m 9 --delta 1/2 --kl 1 --emp-risk 0 \
    --lambda 2
bad "--lambda 2" "lambda must be in \(0, 2\)"
call pacbayes bound --bound lambda --m 9 --delta 1/2 --kl 1 --emp-risk 0
bad "--bound lambda without --lambda" "needs --lambda"
call pacbayes bound --bound catoni --m 9 --delta 1/2 --kl 1 --emp-risk 0 \
    --catoni-c 0
bad "--catoni-c 0" "C must be > 0"
call pacbayes bound --bound maurer --m 9 --delta 0.x --kl 1 --emp-risk 0
bad "--delta 0.x" "--delta: malformed number"
call pacbayes bound --bound maurer --m 9 --delta 1/2 --kl ln2 --emp-risk 0
bad "--kl ln2" "--kl: .*or log:X"
call pacbayes kl-inv 2 1
bad "kl-inv Q = 2" "pacbayes kl-inv: Q must be in \[0, 1\]"
call pacbayes kl-inv 1/2 -- -1
bad "kl-inv C = -1" "C must be >= 0"
call pacbayes kl-inv 1/2 log:0
bad "kl-inv C = log:0" "C must be >= 0|log:X needs X > 0"
call pacbayes kl-inv 1/2
bad "kl-inv with one argument" "expected two arguments Q and C"
call pacbayes kl-inv 1/2 1 --digits 0
bad "kl-inv --digits 0" "--digits: expected an integer"

# Far from 1 the decimals are exact scientific notation, not pages of
# digits: sqrt(B/200) with B = 10^400 + ln(40) is 7.0710678...e+198.
call pacbayes bound --bound mcallester --m 100 --delta 1/20 --kl 1e400 \
    --emp-risk 0
mpcheck "bound with KL = 10^400: the upper end in scientific notation" '
import re
m = re.search(r"^upper +(\S+)  \(", out, re.M)
v = mp.sqrt((mp.mpf(10) ** 400 + mp.log(40)) / 200)
if m is None or m.group(1) != "7.07107e+198":
    print("upper line: %r" % (m and m.group(1)))
elif not (mp.mpf("7.07107e198") >= v > mp.mpf("7.07106e198")):
    print("7.07107e+198 is not the 6-digit upper rounding of %s" % v)
if len(out) > 2000:
    print("output of %d characters" % len(out))'
call pacbayes kl-inv 1e-9999 0
mpcheck "kl-inv 1e-9999 0: q echoed and the ends in scientific notation" '
import re
lo = re.search(r"^lo +(\S+)", out, re.M).group(1)
hi = re.search(r"^hi +(\S+)", out, re.M).group(1)
q = re.search(r"^q +(\S+)", out, re.M).group(1)
if q != "1e-9999":
    print("q echoed as %r" % q[:60])
if not (Fraction(lo) <= Fraction(1, 10 ** 9999) <= Fraction(hi)):
    print("[%s, %s] does not contain 1e-9999" % (lo, hi))
if Fraction(hi) - Fraction(lo) > Fraction(1, 10 ** 10015):
    print("[%s, %s] is wide" % (lo, hi))'

run_later
echo "1..$n"
[ "$fails" -eq 0 ]
