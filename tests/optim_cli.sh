#!/bin/sh
# cpwl optim from the command line, against values computed here
# independently of cpwl: the RMSProp and ADAM steps of issue 14 on
# f(x) = x^2/2 in closed form (python3's decimal module at 60 digits),
# gradient descent against x_{t+1} = (1 - a)^t x_1 (python3's fractions),
# binary32 iterates against python3's own float32 rounding (struct
# round-trips: a product or difference of two float32 values rounded to
# double first, then to float32, is rounded once, 53 >= 2*24 + 2), Arb
# reruns at higher precision against the exact run, the JSON, CSV and
# picture files, and every bad input with exit status 2 and one line.
# Run by `make check` like tests/cli.sh.

: "${CPWL:?CPWL must name the cpwl binary}"

. "$(dirname "$0")/tap.sh"
tap_init optim

Q='quadratic:A=1;b=0'
EX=${CPWL_EXAMPLES:-$(dirname "$0")/../examples}

# The shared python helpers: ball(b) -> (mid, rad) as Decimals; x(run, t)
# the iterate x_t of a run (its first component).
PYHEAD='import json, sys
from decimal import Decimal, getcontext
from fractions import Fraction
getcontext().prec = 60
if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)
d = json.load(sys.stdin)
def ball(b):
    return Decimal(b["mid"]), Decimal(b["rad"])
def x(run, t):
    for p in d["runs"][run]["points"]:
        if p["t"] == t:
            return p["x"][0]
    print("no x_%d in run %d" % (t, run)); sys.exit(0)
def inball(b, v, what, maxrad=None):
    m, r = ball(b)
    if abs(m - v) > r:
        print("%s: %s +/- %s does not contain %s" % (what, m, r, v))
    if maxrad is not None and r > maxrad:
        print("%s: radius %s above %s" % (what, r, maxrad))
'

# ---- RMSProp, paper form: alpha = beta2 = 1/2, xi = 1 -------------------
# v_1 = (1/2)(1 + 1) = 1, x_2 = 1 - (1/2) 1/1 = 1/2; v_2 = 1/2 + (1/2)(1/4
# + 1) = 9/8, x_3 = 1/2 - (1/2)(1/2)/sqrt(9/8) = 1/2 - sqrt(2)/6.
call optim --algo rmsprop:paper --objective "$Q" --x0 1 --lr 1/2 \
    --beta2 1/2 --xi 1 --steps 2 --arith arb:128 --every 1 --json
pycheck "rmsprop paper: x_2 = 1/2 and x_3 = 1/2 - sqrt(2)/6 in balls of radius < 2^-100" "$PYHEAD
tiny = Decimal(2) ** -100
inball(x(0, 2), Decimal(1) / 2, 'x_2', tiny)
inball(x(0, 3), Decimal(1) / 2 - Decimal(2).sqrt() / 6, 'x_3', tiny)
# f(x_3) = x_3^2 / 2 and |f'(x_3)| = x_3, evaluated at the balls
x3 = Decimal(1) / 2 - Decimal(2).sqrt() / 6
p = d['runs'][0]['points'][2]
inball(p['f'], x3 * x3 / 2, 'f(x_3)')
inball(p['grad_norm'], x3, '|grad f(x_3)|')"

# the same in the text output: the final iterate's ball
call optim --algo rmsprop:paper --objective "$Q" --x0 1 --lr 1/2 \
    --beta2 1/2 --xi 1 --steps 2 --arith arb:128
ok_why
grep -q '^final  *x_3 = \[0\.26429773960448415853305187929' "$tmp/out" ||
    why="$why no final x_3 = [0.2642977396044841585330518...];"
report "rmsprop paper: the text output's final x_3" "$why"

# exact arithmetic cannot take the square root
call optim --algo rmsprop:paper --objective "$Q" --x0 1 --arith exact
bad "rmsprop in exact arithmetic is refused" "square root" "--arith"

# ---- ADAM, paper form: alpha = beta1 = beta2 = 1/2, xi = 0 --------------
# m_1 = 1/2, v_1 = 1/2, x_2 = 1 - (1/2)(1/2)/sqrt(1/2) = 1 - sqrt(2)/4.
call optim --algo adam:paper --objective "$Q" --x0 1 --lr 1/2 \
    --beta1 1/2 --beta2 1/2 --xi 0 --steps 1 --arith arb:128 --every 1 \
    --json
pycheck "adam paper: x_2 = 1 - sqrt(2)/4" "$PYHEAD
inball(x(0, 2), 1 - Decimal(2).sqrt() / 4, 'x_2', Decimal(2) ** -100)"

# ---- gradient descent, exact: x_{t+1} = (1 - a)^t x_1 -------------------
call optim --algo gd --objective "$Q" --x0 3/7 --lr 1/3 --steps 12 \
    --arith exact --every 1 --json
pycheck "gd exact: every x_t is (2/3)^(t-1) 3/7, f and |grad f| contain x^2/2, |x|" "$PYHEAD
pts = d['runs'][0]['points']
if [p['t'] for p in pts] != list(range(1, 14)):
    print('recorded t: %s' % [p['t'] for p in pts])
for p in pts:
    want = Fraction(2, 3) ** (p['t'] - 1) * Fraction(3, 7)
    if Fraction(p['x'][0]) != want:
        print('x_%d = %s, expected %s' % (p['t'], p['x'][0], want))
    w = Decimal(want.numerator) / Decimal(want.denominator)
    inball(p['f'], w * w / 2, 'f(x_%d)' % p['t'])
    inball(p['grad_norm'], w, '|grad f(x_%d)|' % p['t'])"

# --every 5 records x_1, x_6, x_11 and the last, x_13
call optim --algo gd --objective "$Q" --x0 3/7 --lr 1/3 --steps 12 \
    --arith exact --every 5 --json
pycheck "--every 5: t = 1, 6, 11 and the last, 13" "$PYHEAD
ts = [p['t'] for p in d['runs'][0]['points']]
if ts != [1, 6, 11, 13]:
    print('recorded t: %s' % ts)"

# text: the final iterate exactly, (2/3)^12 3/7 = 4096/759375 * 3/7
call optim --algo gd --objective "$Q" --x0 3/7 --lr 1/3 --steps 12
ok_why
grep -q '^final  *x_13 = 4096/1240029$' "$tmp/out" ||
    why="$why no final x_13 = 4096/1240029;"
report "gd exact: the text output's final iterate" "$why"

# ---- --compare exact,binary32: binary32 against python's float32 --------
call optim --algo gd --objective "$Q" --x0 1/3 --lr 1/10 --steps 30 \
    --compare exact,binary32 --every 1 --json
pycheck "compare exact,binary32: the float iterates are python's float32 steps, the exact ones (9/10)^t/3" "$PYHEAD
import struct
def f32(v):
    return struct.unpack('<f', struct.pack('<f', v))[0]
runs = d['runs']
if [r['arith'] for r in runs] != ['exact', 'binary32']:
    print('runs: %s' % [r['arith'] for r in runs])
a = f32(0.1)
xf = f32(1 / 3)
differ = 0
for pe, pf in zip(runs[0]['points'], runs[1]['points']):
    t = pe['t']
    want = Fraction(9, 10) ** (t - 1) / 3
    if Fraction(pe['x'][0]) != want:
        print('exact x_%d = %s, expected %s' % (t, pe['x'][0], want))
    got = Fraction(pf['x'][0]['exact'])
    if got != Fraction(xf):
        print('binary32 x_%d = %s, expected %r' % (t, got, xf))
    differ += got != want
    xf = f32(xf - f32(a * xf))
if len(runs[1]['points']) != 31:
    print('%d binary32 points' % len(runs[1]['points']))
if differ < 30:
    print('binary32 equals the exact run at %d iterates' % (31 - differ))"

# beside an Arb run: the binary32 start 1/3 is already outside the ball
# around 1/3 (it is rounded), so the float leaves at t = 1; its gap at the
# end contains |x_float - (9/10)^30/3|
call optim --algo gd --objective "$Q" --x0 1/3 --lr 1/10 --steps 30 \
    --compare arb:128,binary32 --json
pycheck "compare arb:128,binary32: departure at t = 1, gap contains the exact gap" "$PYHEAD
import struct
def f32(v):
    return struct.unpack('<f', struct.pack('<f', v))[0]
dep = d['runs'][1].get('departure')
if dep is None:
    print('no departure'); sys.exit(0)
if dep['left_ball_at'] != 1:
    print('left_ball_at %s, expected 1' % dep['left_ball_at'])
if dep['gap_t'] != 31:
    print('gap_t %s' % dep['gap_t'])
a = f32(0.1)
xf = f32(1 / 3)
for t in range(30):
    xf = f32(xf - f32(a * xf))
real = Fraction(9, 10) ** 30 / 3
g = abs(Fraction(xf) - real)
inball(dep['gap'], Decimal(g.numerator) / Decimal(g.denominator), 'gap')"

# ---- stagnation and --kahan in binary16 ---------------------------------
# x_1 = 1, a = 2^-12, g = x: x - a g = 1 - 2^-12 is the tie between 1 and
# 1 - 2^-11 and rounds to even, 1: every update is stagnant.  With Kahan's
# compensation c = 2^-12 after the first step, the second subtracts
# 2^-12 + 2^-12: x_3 = 2047/2048; the third rounds back (stagnant, c = d),
# the fourth subtracts 2d = 2047 2^-22: x_5 = 2047^2 2^-22 rounded to
# 2^-11 steps = 1023/1024.
call optim --algo gd --objective "$Q" --x0 1 --lr 1/4096 --steps 10 \
    --arith binary16 --json
pycheck "binary16: 10 stagnant updates, x_11 = 1" "$PYHEAD
r = d['runs'][0]
if r['stagnant'] != 10 or x(0, 11)['exact'] != '1':
    print('stagnant %s, x_11 %s' % (r['stagnant'], x(0, 11)))"
call optim --algo gd --objective "$Q" --x0 1 --lr 1/4096 --steps 4 \
    --arith binary16 --kahan --every 1 --json
pycheck "binary16 --kahan: x_3 = 2047/2048, x_5 = 1023/1024" "$PYHEAD
if x(0, 3)['exact'] != '2047/2048' or x(0, 5)['exact'] != '1023/1024':
    print('x_3 %s, x_5 %s' % (x(0, 3), x(0, 5)))"

# stochastic rounding: the same seed, the same run; another seed, or
# round to nearest, another run
for k in 1 1b 2 rn; do
    case $k in
    rn) call optim --algo rmsprop --objective "$Q" --x0 1 --steps 30 \
            --arith bfloat16 --every 1 --json ;;
    *) call optim --algo rmsprop --objective "$Q" --x0 1 --steps 30 \
            --arith bfloat16 --rounding stochastic --seed "${k%b}" --every 1 \
            --json ;;
    esac
    cp "$tmp/out" "$tmp/sr$k.json"
done
pycheck "stochastic rounding is reproducible by its seed" "$PYHEAD
def xs(k):
    r = json.load(open('$tmp/sr%s.json' % k))
    return [p['x'] for p in r['runs'][0]['points']]
if xs('1') != xs('1b'):
    print('two runs with seed 1 differ')
if xs('1') == xs('2'):
    print('seeds 1 and 2 give the same run')
if xs('1') == xs('rn'):
    print('stochastic rounding gives the round-to-nearest run')
if d['rounding'] != 'nearest' or json.load(open('$tmp/sr2.json'))['rounding'] != 'stochastic':
    print('rounding not reported')"

# ---- sgd on a network's loss: a batch of all N terms in a fresh
# permutation each epoch is the full gradient, in exact arithmetic the
# same sum in another order: the iterates are gradient descent's.
printf '1/2,0\n1/4,1\n3/4,1/4\n2,1\n' >"$tmp/d.csv"
NET="net:$EX/tent.json,$tmp/d.csv"
call optim --algo gd --objective "$NET" --lr 1/100 --steps 6 --every 1 --json
cp "$tmp/out" "$tmp/gd.json"
call optim --algo sgd --batch 4 --sampling epoch --seed 7 --objective "$NET" \
    --lr 1/100 --steps 6 --every 1 --json
pycheck "sgd with a batch of all 4 terms (epochs) is exact gd on the network's loss" "$PYHEAD
g = json.load(open('$tmp/gd.json'))
a = [p['x'] for p in g['runs'][0]['points']]
b = [p['x'] for p in d['runs'][0]['points']]
if len(a) != 7 or a != b:
    print('gd %s, sgd %s' % (a[-1:], b[-1:]))
if a[0] == a[-1]:
    print('no step moved')"

call optim --algo sgd --batch 5 --objective "$NET" --arith double
bad "--batch above the number of terms" "--batch 5" "4 terms"

# ---- Arb precision: a lost enclosure and --auto-prec -------------------
# At 12 bits the balls of 200 steps of gd grow past 2^-8 of |x|; with
# --auto-prec the run is repeated at 24, 48, ... bits until it holds, and
# the final ball contains the exact iterate (9/10)^200.
call optim --algo gd --objective "$Q" --x0 1 --lr 1/10 --steps 200 \
    --arith arb:12 --max-rad 1/256
ok_why
grep -q '^enclosure lost at step [0-9]* (radius [0-9.e+-]*) at 12 bits' \
    "$tmp/out" || why="$why no 'enclosure lost at step T (radius R) at 12 bits';"
report "arb:12: the enclosure is lost and reported" "$why"

call optim --algo gd --objective "$Q" --x0 1 --lr 1/10 --steps 200 \
    --arith arb:12 --max-rad 1/256 --auto-prec --every 200 --json
pycheck "arb:12 --auto-prec: a higher precision holds, the final ball contains (9/10)^200" "$PYHEAD
r = d['runs'][0]
lost = r['enclosure_lost']
if lost is None or not 12 <= lost['prec'] < r['prec']:
    print('enclosure_lost: %s (the last precision that lost)' % lost)
if not r['prec'] > 12 or r['steps_done'] != 200:
    print('prec %s, steps_done %s' % (r['prec'], r['steps_done']))
inball(x(0, 201), Decimal(9) ** 200 / Decimal(10) ** 200, 'x_201')"

# ---- cpwl convergence ----------------------------------------------------
# The deterministic RMSProp theorem on f(x) = sqrt(1 + x^2), x_1 = 10,
# xi = 1, beta2 = 1/2, target 1/10 (issue 14): L = sigma2 = 1, f* = 1, so
# T = 2 (1 + 1)(sqrt(101) - 1) / ((1/2) (1/100)) = 800 (sqrt(101) - 1),
# about 7239.9, and the first t with |f'(x_t)| <= 1/10 is 45.
call convergence --algo rmsprop --objective pseudo-huber --x0 10 --xi 1 \
    --beta2 1/2 --target 1/10 --json
pycheck "convergence rmsprop: hit 45, T = 800 (sqrt(101) - 1), 45 <= T" "$PYHEAD
if d['hit'] != 45 or d['hit_le_T'] != 'yes' or d['undecided_t'] != 0:
    print('hit %s, hit_le_T %s' % (d['hit'], d['hit_le_T']))
m, r = ball(d['T'])
T = 800 * (Decimal(101).sqrt() - 1)
if abs(m - T) > r or r > Decimal(10) ** -20:
    print('T %s +/- %s, expected %s' % (m, r, T))
m, r = ball(d['alpha'])
a = 1 / (2 * Decimal(2).sqrt())
if abs(m - a) > r:
    print('alpha %s +/- %s, expected 1/(2 sqrt 2)' % (m, r))"

# the float departure of module convergence is the one cpwl optim
# --compare computes on its own: the same step, the same gap
call convergence --check departure --arith bfloat16 --algo rmsprop \
    --objective pseudo-huber --x0 10 --lr 1/20 --beta2 1/2 --xi 1 \
    --steps 200 --json
cp "$tmp/out" "$tmp/dep.json"
call optim --algo rmsprop --objective pseudo-huber --x0 10 --lr 1/20 \
    --beta2 1/2 --xi 1 --steps 200 --compare arb:128,bfloat16 --json
pycheck "convergence --check departure agrees with optim --compare" "$PYHEAD
c = json.load(open('$tmp/dep.json'))
dep = d['runs'][1]['departure']
if c['left'] != dep['left_ball_at'] or c['stagnant'] != dep['stagnant']:
    print('left %s / %s, stagnant %s / %s' % (c['left'], dep['left_ball_at'], c['stagnant'], dep['stagnant']))
m1, r1 = ball(c['gap'])
m2, r2 = ball(dep['gap'])
if abs(m1 - m2) > r1 + r2:
    print('gaps %s +/- %s and %s +/- %s are disjoint' % (m1, r1, m2, r2))"

# sign consistency: two equal data points make equal terms, so every
# sign agrees with the sum's
printf '1/4,1\n1/4,1\n' >"$tmp/same.csv"
call convergence --check sign --algo gd --lr 1/100 --steps 5 \
    --objective "net:$EX/tent.json,$tmp/same.csv" --json
pycheck "convergence --check sign: equal terms are sign consistent" "$PYHEAD
if d['holds'] != 'yes' or d['steps'] != 5:
    print('holds %s after %s steps' % (d['holds'], d['steps']))"

call convergence --algo rmsprop --objective rosenbrock
bad "convergence: the theorem needs L" "--lipschitz"
call convergence --algo rmsprop --objective pseudo-huber --x0 1 --target 0
bad "convergence: --target 0" "--target"
call convergence --algo gd --objective pseudo-huber --x0 1
bad "convergence: the theorems are about rmsprop and adam" "--algo"
call convergence --check departure --algo gd --objective pseudo-huber --x0 1
bad "convergence: departure without a format" "--arith"

# ---- files -------------------------------------------------------------
call optim --algo rmsprop:pytorch --objective "$Q" --x0 1 --steps 40 \
    --compare arb:64,binary32,bfloat16 --csv "$tmp/t.csv" \
    --png "$tmp/t.png" --every 1
ok_why
[ -f "$tmp/t.csv" ] || why="$why no CSV;"
rows=$(grep -c '^binary32,' "$tmp/t.csv" 2>/dev/null)
[ "$rows" = 41 ] || why="$why $rows binary32 rows in the CSV, expected 41;"
head -1 "$tmp/t.csv" | grep -q '^arith,t,f,f_rad,grad_norm,grad_norm_rad,x_rad,x1$' ||
    why="$why CSV header;"
# PNG: the signature, then IHDR with width 800 and height 600
sig=$(od -An -tx1 -N24 "$tmp/t.png" 2>/dev/null | tr -d ' \n')
[ "$sig" = 89504e470d0a1a0a0000000d494844520000032000000258 ] ||
    why="$why PNG header $sig;"
report "CSV rows and a PNG of 800 x 600" "$why"

call optim --algo gd --objective "$Q" --x0 1 --steps 10 --arith arb:64 \
    --svg "$tmp/t.svg"
ok_why
grep -q '<svg' "$tmp/t.svg" 2>/dev/null || why="$why no <svg in the SVG;"
grep -q 'width="800' "$tmp/t.svg" 2>/dev/null || why="$why SVG width;"
report "SVG file" "$why"

# ---- Ctrl-C: what was computed is printed, exit 130 ---------------------
# Exact gd with a = 1/2 from 1 has x_t = 2^-(t-1); a million steps take
# longer than the second before the signal.  (Not under valgrind: the
# signal would go to its wrapper.)
if [ -z "$CPWL_WRAP" ]; then
    . "$(dirname "$0")/sigutil.sh"
    "$CPWL" optim --algo gd --objective "$Q" --x0 1 --lr 1/2 --steps 1000000 \
        --every 1000000 --json >"$tmp/out" 2>"$tmp/err" &
    pid=$!
    wait_catching "$pid"
    sleep 1
    interrupt $pid
    why=""
    [ "$status" -eq 130 ] || why="$why exit status $status, expected 130;"
    grep -q "interrupted at t = " "$tmp/err" || why="$why no 'interrupted' on stderr;"
    if [ $have_py -eq 1 ]; then
        printf '%s\n' "$PYHEAD" 'r = d["runs"][0]
if not d["interrupted"] or not r["stopped"]:
    print("not marked interrupted")
p = r["points"][-1]
if p["t"] != r["steps_done"] + 1 or not 1 < p["t"] < 1000001:
    print("last point t = %d, steps_done %d" % (p["t"], r["steps_done"]))
if Fraction(p["x"][0]) != Fraction(1, 2 ** (p["t"] - 1)):
    print("x_%d is not 2^-%d" % (p["t"], p["t"] - 1))' >"$tmp/check.py"
        why="$why$(python3 "$tmp/check.py" <"$tmp/out" 2>&1)"
    fi
    report "Ctrl-C: the JSON up to the last iterate, exit 130" "$why"
fi

# ---- bad input: exit 2 and one line ------------------------------------
call optim --algo gd --objective "$Q" --x0 1 --lr -1
bad "a negative step" "lr"
call optim --algo gd --objective "$Q" --x0 1 --lr 0
bad "a zero step" "lr"
call optim --algo adam --objective "$Q" --x0 1 --beta1 1 --arith double
bad "beta1 = 1" "beta1"
call optim --algo rmsprop --objective "$Q" --x0 1 --beta2 -1/2 --arith double
bad "beta2 < 0" "beta2"
call optim --algo gd --objective "$Q" --x0 1 --arith binary8
bad "an unknown format" "--arith" "binary8"
call optim --algo gd --objective "$Q" --x0 1 --compare exact,arb:x
bad "an unknown arithmetic in --compare" "--compare" "arb:x"
call optim --algo newton --objective "$Q" --x0 1
bad "an unknown algorithm" "--algo" "newton"
call optim --algo adam:pytorch --objective "$Q" --x0 1 --arith double
bad "an unknown form" "--algo" "adam:pytorch"
call optim --algo gd --objective nosuch --x0 1
bad "an unknown objective" "nosuch"
call optim --algo sgd --objective "$Q" --x0 1 --batch 2 --arith double
bad "--batch without a finite sum" "--batch" "finite sum"
call optim --algo gd --objective "$Q" --x0 1 --steps 2000000
bad "--steps above the limit" "--max-steps"
call optim --algo gd --objective "$Q" --x0 1,2
bad "--x0 of the wrong dimension" "--x0"
call optim --algo gd --objective "$Q" --x0 1/0
bad "--x0 not a number" "--x0"
call optim --algo gd --objective "$Q" --x0 1 --rounding stochastic
bad "stochastic rounding in exact arithmetic" "--rounding"
call optim --algo gd --objective "$Q" --x0 1 --arith exact --compare exact
bad "--arith with --compare" "--compare"
call optim --algo gd --x0 1
bad "no --objective" "--objective"
# exact iterates on Rosenbrock's function about triple their size per
# step: the run stops at the size limit (2^20 bits) within 50 steps
call optim --algo gd --objective rosenbrock --lr 1/1000 --steps 50
bad "exact iterates past 2^20 bits" "passed 1048576 bits" "arb:P"
grep -q '^final  *x_[0-9]' "$tmp/out" && why="" || why=" no final iterate printed;"
report "exact iterates past 2^20 bits: what was computed is printed" "$why"

echo "1..$n"
[ "$fails" -eq 0 ]
