#!/bin/sh
# The chapter-3 tables of proofs-data/ (proofs-data/gen_tron.c) against a
# second implementation: python3's exact fractions recompute
#   tron_traj    every w_t and |w_t - w*|^2 (population Tron, SGD with
#                relu'(0) = 0 and 1), and, by hand, the cross's Tron rows
#                against w_t - w* = (3/4)^(t-1)(w_1 - w*);
#   tron_rho     the population run's largest ratio d_{t+1}/d_t at the
#                step printed (exactly, or to the 10 digits printed);
#   tron_poison  the worst-case population limit 8 beta^2 theta^2.
# (tests/proofs.sh checks that the stored tables are what gen writes.)
# Run by `make check` with CPWL_PROOFS_DIR set; skipped without python3.

: "${CPWL_PROOFS_DIR:?}"

. "$(dirname "$0")/tap.sh"
tap_init trontables

if ! command -v python3 >/dev/null 2>&1; then
    echo "ok 1 - tron tables # SKIP no python3"
    echo "1..1"
    exit 0
fi

cat >"$tmp/check.py" <<'PY'
import csv, sys
from fractions import Fraction as F

dirn = sys.argv[1]
WS = (F(1), F(-2))
SUPPORTS = {
    "cross": [(F(1, 4), (1, 0)), (F(1, 4), (-1, 0)), (F(1, 4), (0, 1)),
              (F(1, 4), (0, -1))],
    "asymmetric": [(F(1, 2), (1, 0)), (F(1, 4), (0, 1)),
                   (F(1, 4), (-1, -1))],
    "{+-(1;0)": [(F(1, 4), (1, 0)), (F(1, 4), (-1, 0)), (F(1, 4), (1, 1)),
                 (F(1, 4), (-1, -1))],
}

def support(name):
    for k, v in SUPPORTS.items():
        if name.startswith(k):
            return v
    raise SystemExit("unknown distribution " + name)

def relu(z):
    return z if z > 0 else F(0)

def run(D, algo, d0, eta, T):
    w = (F(0), F(0))
    out = []
    for t in range(T + 1):
        out.append((w, (w[0] - WS[0]) ** 2 + (w[1] - WS[1]) ** 2))
        u = [F(0), F(0)]
        for p, x in D:
            y = relu(WS[0] * x[0] + WS[1] * x[1])
            z = w[0] * x[0] + w[1] * x[1]
            if algo == "sgd" and (z < 0 or (z == 0 and not d0)):
                continue
            r = y - relu(z)
            u[0] += p * r * x[0]
            u[1] += p * r * x[1]
        w = (w[0] + eta * u[0], w[1] + eta * u[1])
    return out

def rows(name):
    with open(f"{dirn}/{name}.csv") as f:
        lines = [l for l in f if not l.startswith("#")]
    return list(csv.DictReader(lines))

bad = []
# tron_traj
traj = rows("tron_traj")
runs = {}
for r in traj:
    key = (r["distribution"], r["algorithm"])
    if key not in runs:
        algo = "sgd" if r["algorithm"].startswith("sgd") else "tron"
        d0 = "= 1" in r["algorithm"]
        runs[key] = run(support(key[0]), algo, d0, F(1), 19)
    t = int(r["t"])
    w, d = runs[key][t - 1]
    wt = tuple(F(c) for c in r["w_t"].strip("()").split(";"))
    if wt != w or F(r["|w_t - w*|^2"]) != d:
        bad.append(f"tron_traj {key} t = {t}")
    if key[0].startswith("cross") and key[1] == "tron":
        c = F(3, 4) ** (t - 1)
        if wt != (1 - c, -2 + 2 * c):
            bad.append(f"tron_traj cross tron t = {t}: not (3/4)^(t-1)")
if len(traj) != 120:
    bad.append(f"tron_traj has {len(traj)} rows, not 120")

# tron_rho: the population column
rho = rows("tron_rho")
col = [c for c in rho[0] if c.startswith("population: max_t")][0]
for r in rho:
    eta = F(r["eta_b (the step used)"])
    ds = [d for _, d in run(support(r["distribution"]), "tron", 0, eta, 30)]
    m = max(ds[i + 1] / ds[i] for i in range(30))
    got = r[col]
    if got.endswith("(10 digits)"):
        # 10 significant digits of a number in (0, 1): within 10^-10
        ok = abs(m - F(got.split()[0])) <= F(1, 10 ** 10)
    else:
        ok = F(got) == m
    if not ok:
        bad.append(f"tron_rho {r['distribution']} b = {r['b']}: {got} "
                   f"against {float(m)}")
if len(rho) != 10:
    bad.append(f"tron_rho has {len(rho)} rows, not 10")

# tron_poison: the limit 8 beta^2 theta^2
for r in rows("tron_poison"):
    lim = [c for c in r if c.startswith("limit |w - w*|^2")][0]
    want = 8 * (F(r["beta"]) * F(r["theta"])) ** 2
    if F(r[lim]) != want:
        bad.append(f"tron_poison beta {r['beta']} theta {r['theta']}")

print("; ".join(bad) if bad else "ok")
PY

res=$(python3 "$tmp/check.py" "$CPWL_PROOFS_DIR" 2>&1)
why=""
[ "$res" = ok ] || why=" $res"
report "tron_traj, tron_rho, tron_poison against python3's fractions" "$why"

echo "1..$n"
[ "$fails" -eq 0 ]
