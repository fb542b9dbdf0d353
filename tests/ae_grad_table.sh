#!/bin/sh
# The chapter-4 table ae_grad of proofs-data/ (proofs-data/gen_ae_grad.c)
# against a second implementation: python3's exact fractions rebuild
# union:n=N = [I | H_N / sqrt(N)] (H_N Sylvester's), enumerate the supports
# of size k with itertools.combinations, and recompute E[L] and
# |E dL/dW|_F^2 at W = A^T for N <= 16 from dL/dW = r e^T + diag(a) (W e) y^T; the
# window [k mu, 1 - (k-1) mu) and its midpoint; and, by hand, for k = 1,
# E[L] = eps^2/2 and |E dL/dW|_F^2 = eps^2 (2 - eps)^2 / h (9/32 and
# 225/2048 for union:n=4).  The perturbed and Monte-Carlo columns are
# measured on seeded draws the library makes: only their form is checked
# here (a positive mean, sd >= 0).
# (tests/proofs.sh checks that the stored table is what gen writes.)
# Run by `make check` with CPWL_PROOFS_DIR set; skipped without python3.

: "${CPWL_PROOFS_DIR:?}"

. "$(dirname "$0")/tap.sh"
tap_init aegradtable

if ! command -v python3 >/dev/null 2>&1; then
    echo "ok 1 - ae_grad table # SKIP no python3"
    echo "1..1"
    exit 0
fi

cat >"$tmp/check.py" <<'PY'
import csv, sys
from fractions import Fraction as F
from itertools import combinations
from math import comb, isqrt

dirn = sys.argv[1]

def sylvester(N):
    H = [[1]]
    while len(H) < N:
        H = [r + r for r in H] + [r + [-v for v in r] for r in H]
    return H

def union(N):
    """A (n x h) as its columns: e_1 .. e_N, then H_N's columns / sqrt(N)."""
    s = isqrt(N)
    assert s * s == N
    H = sylvester(N)
    cols = [[F(int(i == j)) for i in range(N)] for j in range(N)]
    cols += [[F(H[i][j], s) for i in range(N)] for j in range(N)]
    return cols

def expect(cols, k, eps):
    """E[L] and |E dL/dW|_F^2 at W = A^T (W's row i is atom i)."""
    h, n = len(cols), len(cols[0])
    G = [[F(0)] * n for _ in range(h)]
    EL = F(0)
    p = F(1, comb(h, k))
    for S in combinations(range(h), k):
        y = [sum(cols[j][t] for j in S) for t in range(n)]
        z = [sum(cols[i][t] * y[t] for t in range(n)) - eps for i in range(h)]
        r = [zi if zi > 0 else F(0) for zi in z]
        a = [1 if zi > 0 else 0 for zi in z]       # relu'(0) = 0
        act = [i for i in range(h) if r[i] != 0 or a[i]]
        yhat = [sum(r[i] * cols[i][t] for i in act) for t in range(n)]
        e = [yhat[t] - y[t] for t in range(n)]
        EL += p * sum(v * v for v in e) / 2
        for i in range(h):
            u = sum(cols[i][t] * e[t] for t in range(n))
            ci = a[i] * u
            if r[i] == 0 and ci == 0:
                continue
            row = G[i]
            for t in range(n):
                row[t] += p * (r[i] * e[t] + ci * y[t])
    return EL, sum(v * v for row in G for v in row)

def rows(name):
    with open(f"{dirn}/{name}.csv") as f:
        lines = [l for l in f if not l.startswith("#")]
    return list(csv.DictReader(lines))

bad = []
tab = rows("ae_grad")
cols_of = {}
seen = set()
for r in tab:
    n, h, k = int(r["n"]), int(r["h"]), int(r["k"])
    seen.add((n, k))
    key = f"n = {n}, k = {k}"
    if h != 2 * n:
        bad.append(f"{key}: h = {h}")
        continue
    mu = F(1, isqrt(n))
    lo, hi = k * mu, 1 - (k - 1) * mu
    if r["mu"] != str(mu) or r["window [k mu;1 - (k-1) mu)"] != f"[{lo};{hi})":
        bad.append(f"{key}: mu or window")
    eps = F(r["eps"])
    if not lo <= eps < hi or eps != (lo + hi) / 2:
        bad.append(f"{key}: eps {eps} is not the window's midpoint")
    if int(r["codes"]) != comb(h, k):
        bad.append(f"{key}: {r['codes']} codes, not C({h},{k})")
    EL = F(r["E[L] at A^T"])
    g2 = F(r["|E dL/dW|_F^2 at A^T"])
    # the decimal norm: 10 significant digits of sqrt(g2)
    dec = F(r["|E dL/dW|_F at A^T"])
    if abs(dec * dec - g2) > g2 * F(1, 10 ** 8):
        bad.append(f"{key}: the decimal norm {dec} against {float(g2)}")
    if k == 1 and (EL != eps * eps / 2
                   or g2 != eps ** 2 * (2 - eps) ** 2 / h):
        bad.append(f"{key}: not the hand derivation eps^2/2, "
                   f"eps^2 (2 - eps)^2 / h")
    if n == 4 and k == 1 and (EL != F(9, 32) or g2 != F(225, 2048)):
        bad.append("union:n=4: not 9/32 and 225/2048")
    if n <= 16:
        cols = cols_of.setdefault(n, union(n))
        want = expect(cols, k, eps)
        if (EL, g2) != want:
            bad.append(f"{key}: ({EL}, {g2}) against python's "
                       f"({want[0]}, {want[1]})")
    # the directions: a norm that is a decimal, and a Monte-Carlo mean
    # and sd that are numbers (measured, not recomputed here)
    try:
        float(r["max |E dL/dW|_F at A^T + delta D (4 seeded D)"])
        m = float(r["Monte-Carlo |mean grad|_F (1000 draws; binary64): "
                    "mean of 10"])
        s = float(r["sd of 10"])
        if not (m > 0 and s >= 0):
            bad.append(f"{key}: Monte-Carlo mean {m}, sd {s}")
    except (KeyError, ValueError) as ex:
        bad.append(f"{key}: {ex}")
for need in [(4, 1), (16, 1), (16, 2), (64, 1)]:
    if need not in seen:
        bad.append(f"no row for n = {need[0]}, k = {need[1]}")

print("; ".join(bad) if bad else "ok")
PY

res=$(python3 "$tmp/check.py" "$CPWL_PROOFS_DIR" 2>&1)
why=""
[ "$res" = ok ] || why=" $res"
report "ae_grad: E[L] and |E dL/dW|^2 at A^T against python3's fractions and the k = 1 closed form" "$why"

echo "1..$n"
[ "$fails" -eq 0 ]
