#!/bin/sh
# The chapter-4 support-recovery tables of proofs-data/
# (proofs-data/gen_ae_support.c) against a second implementation: python3's
# exact fractions rebuild the union dictionaries [I_N, H_N/sqrt(N)] from
# Sylvester's construction, enumerate the codes in code number order
# (supports in lexicographic order, value patterns with the last index
# fastest), compute Wy = A^T A x through the Gram matrix, and recompute
#   ae_recovery  the coherence window [k mu m2, m1 - (k-1) mu m2), the
#                common window, the best probability (counted at one point
#                of every interval between window ends, not by a sweep)
#                and the lowest interval attaining it, the codes with an
#                empty window;
#   ae_counter   the first code with an empty window, its Wy and its
#                ends, and how many there are.
# (tests/proofs.sh checks that the stored tables are what gen writes.)
# Run by `make check` with CPWL_PROOFS_DIR set; skipped without python3.

: "${CPWL_PROOFS_DIR:?}"

. "$(dirname "$0")/tap.sh"
tap_init aetables

if ! command -v python3 >/dev/null 2>&1; then
    echo "ok 1 - support-recovery tables # SKIP no python3"
    echo "1..1"
    exit 0
fi

cat >"$tmp/check.py" <<'PY'
import csv, itertools, sys
from math import gcd
from fractions import Fraction as F

dirn = sys.argv[1]

def union(N):
    s = {4: 2, 16: 4}[N]
    A = [[F(0)] * (2 * N) for _ in range(N)]
    for i in range(N):
        A[i][i] = F(1)
        for j in range(N):
            A[i][N + j] = F(-1 if bin(i & j).count("1") % 2 else 1, s)
    return A

HAND = [[F(1), F(0), F(3, 5)], [F(0), F(1), F(4, 5)]]

def dictionary(name):
    if name.startswith("union:n="):
        return union(int(name[8:]))
    if name == "[e1; e2; (3/5; 4/5)]":
        return HAND
    raise SystemExit("unknown dictionary " + name)

def gram(A):
    n, h = len(A), len(A[0])
    return [[sum(A[r][i] * A[r][j] for r in range(n)) for j in range(h)]
            for i in range(h)]

def codes(h, k, values):
    """(x as {index: value}, p) in code number order"""
    V = len(values)
    p = F(1, 1)
    nsup = 0
    for S in itertools.combinations(range(h), k):
        nsup += 1
    p = F(1, nsup * V ** k)
    for S in itertools.combinations(range(h), k):
        for pat in itertools.product(range(V), repeat=k):
            yield {S[t]: values[pat[t]] for t in range(k)}, p

def lcm(a, b):
    return a * b // gcd(a, b)

class Scaled:
    """G and the values as integers over one denominator D, so that Wy
    is computed in integers (Fractions are slow) and divided at the end"""
    def __init__(self, G, values):
        self.D = 1
        for row in G:
            for g in row:
                self.D = lcm(self.D, g.denominator)
        dv = 1
        for v in values:
            dv = lcm(dv, v.denominator)
        self.Gi = [[int(g * self.D) for g in row] for row in G]
        self.vi = {v: int(v * dv) for v in values}
        self.D *= dv

def window(S, x, h):
    """Wy, lo, hi as Fractions"""
    xi = [(j, S.vi[v]) for j, v in x.items()]
    wy = [sum(S.Gi[i][j] * v for j, v in xi) for i in range(h)]
    on = [wy[i] for i in x]
    off = [wy[i] for i in range(h) if i not in x]
    lo = F(max(off), S.D) if off else None
    hi = F(min(on), S.D) if on else None
    return wy, lo, hi

def empty(lo, hi):
    return lo is not None and hi is not None and lo >= hi

def contains(lo, hi, t):
    return (lo is None or lo <= t) and (hi is None or t < hi)

def q(s):
    return F(s)

def parse_window(s):
    if s.startswith("empty: "):
        lo, hi = s[7:].split(" >= ")
        return "empty", F(lo), F(hi)
    lo, hi = s[1:-1].split("; ")
    return ("open" if s[0] == "(" else "closed",
            None if lo == "-inf" else F(lo), None if hi == "+inf" else F(hi))

def fmt(lo, hi):
    if empty(lo, hi):
        return ("empty", lo, hi)
    return ("open" if lo is None else "closed", lo, hi)

def rows(name):
    with open(f"{dirn}/{name}.csv") as f:
        lines = [l for l in f if not l.startswith("#")]
    return list(csv.DictReader(lines))

bad = []
rec = rows("ae_recovery")
for r in rec:
    name = r["dictionary"]
    A = dictionary(name)
    n, h = len(A), len(A[0])
    G = gram(A)
    k = int(r["k"])
    values = [F(v) for v in r["values"].strip("{}").split(";")]
    m1, m2 = min(values), max(values)
    mu = max(abs(G[i][j]) for i in range(h) for j in range(h) if i != j)
    tag = f"ae_recovery {name} k = {k} values {r['values']}"
    if (int(r["n"]), int(r["h"]), F(r["mu"])) != (n, h, mu):
        bad.append(tag + ": n, h, mu")
    cw = fmt(k * mu * m2, m1 - (k - 1) * mu * m2)
    col = [c for c in r if c.startswith("coherence window")][0]
    if parse_window(r[col]) != cw:
        bad.append(tag + ": coherence window")
    wins = []
    nempty = 0
    clo, chi = None, None
    S = Scaled(G, values)
    for x, p in codes(h, k, values):
        wy, lo, hi = window(S, x, h)
        if empty(lo, hi):
            nempty += 1
        else:
            wins.append((lo, hi, p))
        if lo is not None and (clo is None or lo > clo):
            clo = lo
        if hi is not None and (chi is None or hi < chi):
            chi = hi
    total = len(wins) + nempty
    if int(r["codes"]) != total:
        bad.append(tag + ": codes")
    if int(r["codes no eps recovers"]) != nempty:
        bad.append(tag + ": empty windows")
    if parse_window(r["common window (every code)"]) != fmt(clo, chi):
        bad.append(tag + ": common window")
    # the probability on each interval between consecutive ends
    ends = sorted({e for lo, hi, p in wins for e in (lo, hi)
                   if e is not None})
    pts = ([ends[0] - 1] if ends else [F(0)]) + ends
    prob = [sum(p for lo, hi, p in wins if contains(lo, hi, t)) for t in pts]
    best = max(prob)
    j = prob.index(best)
    l = j
    while l + 1 < len(prob) and prob[l + 1] == best:
        l += 1
    blo = None if j == 0 else pts[j]
    bhi = None if l + 1 >= len(pts) else pts[l + 1]
    if F(r["best probability"]) != best:
        bad.append(tag + f": best {r['best probability']} against {best}")
    if parse_window(r["lowest eps interval attaining it"]) != fmt(blo, bhi):
        bad.append(tag + ": best interval")
    # the lemma: the coherence window lies in the common one
    if cw[0] != "empty" and (best != 1 or (clo is not None and clo > cw[1])
                             or (chi is not None and chi < cw[2])):
        bad.append(tag + ": the coherence window is not recovered")
if len(rec) != 10:
    bad.append(f"ae_recovery has {len(rec)} rows, not 10")

cnt = rows("ae_counter")
for r in cnt:
    name = r["dictionary"]
    A = dictionary(name)
    h = len(A[0])
    G = gram(A)
    k = int(r["k"])
    values = [F(v) for v in r["values"].strip("{}").split(";")]
    mu2 = max((G[i][j] ** 2 / (G[i][i] * G[j][j])) for i in range(h)
              for j in range(h) if i != j)
    tag = f"ae_counter {name}"
    if F(r["mu^2"]) != mu2:
        bad.append(tag + ": mu^2")
    first = None
    nempty = 0
    total = 0
    S = Scaled(G, values)
    for c, (x, p) in enumerate(codes(h, k, values)):
        total += 1
        wy, lo, hi = window(S, x, h)
        if empty(lo, hi):
            nempty += 1
            if first is None:
                first = (c, x, wy, lo, hi)
    if int(r["codes"]) != total or int(r["codes no eps recovers"]) != nempty:
        bad.append(tag + ": counts")
    if first is None:
        if r["first such code"] != "none":
            bad.append(tag + ": a code where python finds none")
        continue
    c, x, wy, lo, hi = first
    xs = "(" + "; ".join(str(x.get(i, 0)) for i in range(h)) + ")"
    ws = "(" + "; ".join(str(F(v, S.D)) for v in wy) + ")"
    if (int(r["first such code"]), r["x"], r["Wy"]) != (c, xs, ws):
        bad.append(tag + f": code {r['first such code']} against {c}")
    if (F(r["hi = min Wy on supp x"]), F(r["lo = max Wy off supp x"])) \
            != (hi, lo) or parse_window(r["window"]) != ("empty", lo, hi):
        bad.append(tag + ": the window")
# the two hand counterexamples (docs/autoencoder.md) are there
names = [r["dictionary"] for r in cnt if r["first such code"] != "none"]
if "union:n=4" not in names or "[e1; e2; (3/5; 4/5)]" not in names:
    bad.append("ae_counter lacks a hand counterexample")

print("; ".join(bad) if bad else "ok")
PY

res=$(python3 "$tmp/check.py" "$CPWL_PROOFS_DIR" 2>&1)
why=""
[ "$res" = "ok" ] || why=" $res"
report "ae_recovery and ae_counter recomputed with python3 fractions" "$why"

echo "1..$n"
[ "$fails" -eq 0 ]
