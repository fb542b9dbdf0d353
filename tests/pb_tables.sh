#!/bin/sh
# The chapter-6 tables of proofs-data/ (proofs-data/gen_pacbayes.c)
# against a second implementation: python3 with mpmath at 60 digits.
#   pb_bounds: every bound recomputed from its formula (kl^{-1} by
#     bisection in mpmath, 190 halvings; q = 0 by 1 - e^{-c}); the table's
#     value must be >= the mpmath value and exceed it by less than one
#     unit in the 8th significant digit; (vacuous) exactly when >= 1.
#   pb_float: the enclosure's printed ends must hold the mpmath kl^{-1}
#     and be within one unit of their 17th digit of it; each method's value
#     (read back as the exact double) re-decided against the mpmath value:
#     below / above / NaN as the table says; the .md's count of failures.
#   pb_kl_float: the seeded float32 weights rebuilt here (splitmix64, the
#     same double arithmetic, one rounding to float32 by struct), the KL
#     recomputed from exact integer sums and one logarithm of the exact
#     product of the posterior sigmas; the ball's printed ends must hold
#     it (and be within 10^-10 relative of each other: cpwl_gauss_kl's
#     ball is not tight to the last digit); each value's verdict
#     re-decided.
#   pb_kl_dr: Dziugaite and Roy's parameters rebuilt the same way, the KL
#     from exact integer sums and the exponentials at 30 digits; the
#     ball must hold it, each verdict re-decided.
# mpmath's values are within 10^-55 of the exact ones: a difference
# smaller than 10^-50 is "cannot say" here and any verdict is accepted.
# (tests/proofs.sh checks that the stored tables are what gen writes.)
# Run by `make check` with CPWL_PROOFS_DIR set; skipped without python3's
# mpmath (Debian package python3-mpmath, installed by ./bootstrap).

: "${CPWL_PROOFS_DIR:?}"

. "$(dirname "$0")/tap.sh"
tap_init pbtables

if ! command -v python3 >/dev/null 2>&1 \
    || ! python3 -c 'import mpmath' >/dev/null 2>&1; then
    echo "ok 1 - chapter-6 tables # SKIP no python3 with mpmath"
    echo "1..1"
    exit 0
fi

cat >"$tmp/check.py" <<'PY'
import csv, math, re, struct, sys
from fractions import Fraction as F
import mpmath as mp

mp.mp.dps = 60
TINY = mp.mpf(10) ** -50
dirn, which = sys.argv[1], sys.argv[2]
errs = []

def rows(name):
    with open(f"{dirn}/{name}.csv") as f:
        lines = [l for l in f if not l.startswith("#")]
    r = list(csv.reader(lines))
    return r[0], r[1:]

def Q(s):
    """An exact literal (a/b or a decimal with exponent) as an mpf."""
    fr = F(s)
    return mp.mpf(fr.numerator) / fr.denominator

def kl(q, p):
    if p <= 0 or p >= 1:
        return mp.inf if (p <= 0 < q) or (p >= 1 > q) else mp.mpf(0)
    t = mp.mpf(0)
    if q > 0:
        t += q * mp.log(q / p)
    if q < 1:
        t += (1 - q) * mp.log((1 - q) / (1 - p))
    return t

def klinv(q, c):
    if c == 0 or q == 1:
        return q
    if q == 0:
        return -mp.expm1(-c)
    lo, hi = q, mp.mpf(1)
    for _ in range(190):
        mid = (lo + hi) / 2
        if kl(q, mid) > c:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2

def unit(x, digits):
    """One unit in the digits-th significant digit of x > 0."""
    return mp.mpf(10) ** (int(mp.floor(mp.log10(x))) - digits + 1)

def check_bounds():
    head, body = rows("pb_bounds")
    if len(body) != 36:
        errs.append(f"pb_bounds: {len(body)} rows, expected 36")
    for r in body:
        m, delta, K, q = mp.mpf(int(r[0])), Q(r[1]), Q(r[2]), Q(r[3])
        B = K + mp.log(2 * mp.sqrt(m) / delta)
        mc = q + mp.sqrt(B / (2 * m))
        want = [mc, klinv(q, B / m),
                -mp.expm1(-q - (K + mp.log(1 / delta)) / m) / -mp.expm1(-1),
                klinv(q, (K + mp.log((m + 1) / delta)) / m),
                (mp.sqrt(q + B / (2 * m)) + mp.sqrt(B / (2 * m))) ** 2,
                q / (1 - mp.mpf(1) / 2) + B / (m * (1 - mp.mpf(1) / 2)), mc]
        for name, field, w in zip(head[4:], r[4:], want):
            vac = field.endswith(" (vacuous)")
            up = Q(field.replace(" (vacuous)", ""))
            where = f"pb_bounds {r[:4]} {name}"
            if up < w - TINY:
                errs.append(f"{where}: {field} < mpmath {mp.nstr(w, 20)}")
            elif up - w >= unit(w, 8):
                errs.append(f"{where}: {field} exceeds mpmath "
                            f"{mp.nstr(w, 20)} by a unit of the 8th digit")
            if vac != (up >= 1):
                errs.append(f"{where}: (vacuous) mark wrong")

def cval(s):
    if s.startswith("log:"):
        return mp.log(Q(s[4:]))
    mm = re.fullmatch(r"maurer\((\d+);([^;]+);([^)]+)\)", s)
    if mm:
        m, delta, K = mp.mpf(int(mm[1])), Q(mm[2]), Q(mm[3])
        return (K + mp.log(2 * mp.sqrt(m) / delta)) / m
    return Q(s)

def redecide(where, field, verdict, true, lo, hi, f32=False, tol=TINY):
    """The verdict the table gives for value `field` against `true`
    (known to within tol)."""
    if field == "NaN":
        if verdict != "NaN":
            errs.append(f"{where}: NaN but verdict {verdict}")
        return verdict
    v = float(field)
    if f32:   # %.9g of a float32: back to that float32
        v = struct.unpack("<f", struct.pack("<f", v))[0]
    d = mp.mpf(v) - true
    if abs(d) <= tol:
        return verdict
    want = "below" if d < 0 else "above"
    if verdict != want and not (verdict == "inside" and lo <= v <= hi):
        errs.append(f"{where}: value {field} is {want} the mpmath value "
                    f"{mp.nstr(true, 20)}, the table says {verdict}")
    return verdict

def check_float():
    head, body = rows("pb_float")
    nb, nn = [0, 0, 0], [0, 0, 0]
    for r in body:
        q, c = Q(r[0]), cval(r[1])
        true = klinv(q, c)
        lo, hi = Q(r[2]), Q(r[3])
        where = f"pb_float q={r[0]} c={r[1]}"
        if not (lo <= true + TINY and true - TINY <= hi):
            errs.append(f"{where}: [{r[2]}, {r[3]}] misses mpmath "
                        f"{mp.nstr(true, 25)}")
        elif true > 0 and max(hi - true, true - lo) > unit(hi, 17) + TINY:
            errs.append(f"{where}: [{r[2]}, {r[3]}] wider than a unit of "
                        f"the 17th digit around {mp.nstr(true, 25)}")
        for k in range(3):
            v = redecide(f"{where} {head[4 + 2 * k]}", r[4 + 2 * k],
                         r[5 + 2 * k], true, lo, hi)
            nb[k] += v == "below"
            nn[k] += v == "NaN"
    md = open(f"{dirn}/pb_float.md").read()
    want = (f"Of {len(body)} rows: PBB's value is below the enclosure in "
            f"{nb[0]} (NaN in {nn[0]}); DR's binary64 Newton in {nb[1]} "
            f"(NaN in {nn[1]}); DR's binary32 Newton in {nb[2]} (NaN in "
            f"{nn[2]}).")
    if want not in md:
        errs.append(f"pb_float.md lacks the summary: {want}")

# ---- pb_kl_float: the seeded weights of gen_pacbayes.c, rebuilt ----------
M64 = (1 << 64) - 1

def splitmix(s):
    s = (s + 0x9e3779b97f4a7c15) & M64
    z = s
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & M64
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & M64
    return s, z ^ (z >> 31)

def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]

def weights(d, seed):
    s = seed
    out = []
    for _ in range(d):
        s, z = splitmix(s); mp_ = f32(-0.1 + (0.1 - -0.1) * ((z >> 40) / 16777216.0))
        s, z = splitmix(s); dm = f32(-0.05 + (0.05 - -0.05) * ((z >> 40) / 16777216.0))
        mq = f32(mp_ + dm)
        s, z = splitmix(s); sq = f32(0.011 + (0.048 - 0.011) * ((z >> 40) / 16777216.0))
        out.append((mq, sq, mp_))
    return out

def prod(xs):
    while len(xs) > 1:
        xs = [xs[i] * xs[i + 1] if i + 1 < len(xs) else xs[i]
              for i in range(0, len(xs), 2)]
    return xs[0]

def kl_exact(w, sp):
    """sum ln(sp/sq) + (sq^2 + (mq - mp)^2)/(2 sp^2) - 1/2: the squares
    summed exactly (as integers times 2^-298), the logarithms as one
    logarithm of the exact product of the sq's significands."""
    S = 2.0 ** 149   # x S is an integer for every float32 x
    quad = 0
    for mq, sq, mp_ in w:
        a = int(sq * S); b = int(mq * S) - int(mp_ * S)
        quad += a * a + b * b
    quad = mp.mpf(quad) / mp.mpf(2) ** 298
    sig = []
    ex = 0
    for _, sq, _ in w:
        m, e = math.frexp(sq)        # sq = m 2^e, m in [1/2, 1)
        sig.append(int(m * 2 ** 24)); ex += int(e) - 24
    n = prod(sig)
    # ln n from its top 300 bits: below the truth by less than 2^-299
    sh = max(n.bit_length() - 300, 0)
    lnprod = mp.log(mp.mpf(n >> sh)) + (ex + sh) * mp.log(2)
    d = len(w)
    spm = mp.mpf(sp)
    return d * mp.log(spm) - lnprod + quad / (2 * spm * spm) - mp.mpf(d) / 2

def check_kl():
    head, body = rows("pb_kl_float")
    sp = f32(0.03)
    nb = [0, 0, 0]
    for r in body:
        d, seed = int(r[0]), int(r[1])
        true = kl_exact(weights(d, 1000 * d + seed), sp)
        lo, hi = Q(r[2]), Q(r[3])
        where = f"pb_kl_float d={d} seed={seed}"
        if not (lo <= true <= hi):
            errs.append(f"{where}: [{r[2]}, {r[3]}] misses mpmath "
                        f"{mp.nstr(true, 25)}")
        elif hi - lo > true * mp.mpf(10) ** -10:
            errs.append(f"{where}: the ball is wider than 10^-10 relative")
        for k, col in enumerate((4, 7, 10)):
            v = redecide(f"{where} {head[col]}", r[col], r[col + 1], true,
                         lo, hi, f32=(k < 2))
            nb[k] += v == "below"
    md = open(f"{dirn}/pb_kl_float.md").read()
    want = (f"Of {len(body)} rows the value lies below the certified ball "
            f"in {nb[0]} (float32, index order), {nb[1]} (float32, "
            f"pairwise) and {nb[2]} (binary64).")
    if want not in md:
        errs.append(f"pb_kl_float.md lacks the summary: {want}")

# ---- pb_kl_dr: Dziugaite and Roy's parameters, rebuilt ----------------------
def dr_weights(d, seed):
    s = seed
    out = []
    for _ in range(d):
        s, z = splitmix(s); w0 = f32(-0.1 + (0.1 - -0.1) * ((z >> 40) / 16777216.0))
        s, z = splitmix(s); dm = f32(-0.05 + (0.05 - -0.05) * ((z >> 40) / 16777216.0))
        w = f32(w0 + dm)
        s, z = splitmix(s); ls = f32(-4.5 + (-3.0 - -4.5) * ((z >> 40) / 16777216.0))
        out.append((w, w0, ls))
    return out

def check_kl_dr():
    """KL = (e^{-2 lp} (sum e^{2 s} + sum (w - w0)^2) + 2 d lp - 2 sum s
    - d)/2, lp = -3.5: the sums of floats exact as integers times 2^-298
    and 2^-149, the exponentials at 30 digits (so known within 10^-20)."""
    head, body = rows("pb_kl_dr")
    S = 2.0 ** 149
    nb = [0, 0]
    for r in body:
        d, seed = int(r[0]), int(r[1])
        w = dr_weights(d, 2000 * d + seed)
        sq = sum((int(a * S) - int(b * S)) ** 2 for a, b, _ in w)
        ss = sum(int(c * S) for _, _, c in w)
        with mp.workdps(30):
            se = mp.fsum(mp.exp(2 * mp.mpf(c)) for _, _, c in w)
        lp = mp.mpf(-3.5)
        true = (mp.exp(-2 * lp) * (se + mp.mpf(sq) / mp.mpf(2) ** 298)
                + 2 * d * lp - 2 * mp.mpf(ss) / mp.mpf(2) ** 149 - d) / 2
        tol = abs(true) * mp.mpf(10) ** -20
        lo, hi = Q(r[2]), Q(r[3])
        where = f"pb_kl_dr d={d} seed={seed}"
        if not (lo <= true + tol and true - tol <= hi):
            errs.append(f"{where}: [{r[2]}, {r[3]}] misses mpmath "
                        f"{mp.nstr(true, 25)}")
        for k, col in enumerate((4, 7)):
            v = redecide(f"{where} {head[col]}", r[col], r[col + 1], true,
                         lo, hi, f32=True, tol=tol)
            nb[k] += v == "below"
    md = open(f"{dirn}/pb_kl_dr.md").read()
    want = (f"Of {len(body)} rows the value lies below the certified ball "
            f"in {nb[0]} (float32, index order) and {nb[1]} (float32, "
            f"pairwise).")
    if want not in md:
        errs.append(f"pb_kl_dr.md lacks the summary: {want}")

{"bounds": check_bounds, "float": check_float, "kl": check_kl,
 "kl_dr": check_kl_dr}[which]()
for e in errs[:20]:
    print(e)
sys.exit(1 if errs else 0)
PY

for t in bounds float kl kl_dr; do
    why=""
    out=$(python3 "$tmp/check.py" "$CPWL_PROOFS_DIR" $t 2>&1) \
        || why=" $(echo "$out" | tr '\n' ';')"
    report "pb_$t table against mpmath at 60 digits" "$why"
done

echo "1..$n"
[ "$fails" -eq 0 ]
