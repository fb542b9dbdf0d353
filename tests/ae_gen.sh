#!/bin/sh
# cpwl autoencoder gen against values computed here independently of cpwl
# (python3's fractions): the union of the identity and H_4/2 by hand, the
# coherence mu^2 from the columns written, unit norms, the CSV and JSON
# forms equal; code distributions counted against C(h, k) |V|^k with
# probabilities summing to 1, every support of size k once; random codes
# on their grid; a written list read back through --codes; every bad
# input with exit status 2 and one line.

: "${CPWL:?CPWL must name the cpwl binary}"

. "$(dirname "$0")/tap.sh"
tap_init ae_gen

PYPRELUDE='import sys, json, itertools
from fractions import Fraction as F
from math import comb
def csv_matrix(text):
    rows, meta = [], {}
    for line in text.splitlines():
        if line.startswith("#"):
            if ": " in line:
                k, v = line[2:].split(": ", 1)
                meta[k] = v
            continue
        if line.strip():
            rows.append([F(c) for c in line.split(",")])
    return rows, meta
def mu2(A):
    n, h = len(A), len(A[0])
    col = [[A[i][j] for i in range(n)] for j in range(h)]
    dot = lambda a, b: sum((x * y for x, y in zip(a, b)), F(0))
    return max(dot(col[i], col[j]) ** 2 / (dot(col[i], col[i]) * dot(col[j], col[j]))
               for i in range(h) for j in range(h) if i != j)'

# union:n=4: [I_4, H_4 / 2] with H_4 = [[1,1,1,1],[1,-1,1,-1],[1,1,-1,-1],[1,-1,-1,1]]
call autoencoder gen dict 'union:n=4;bases=2'
cp "$tmp/out" "$tmp/u4.csv"
pycheck "gen dict union:n=4 is [I, H_4/2], mu^2 = 1/4, mu = 1/2" '
A, meta = csv_matrix(sys.stdin.read())
H = [[1,1,1,1],[1,-1,1,-1],[1,1,-1,-1],[1,-1,-1,1]]
want = [[F(int(i == j)) for j in range(4)] + [F(H[i][j], 2) for j in range(4)] for i in range(4)]
if A != want: print("matrix", A)
if meta.get("mu^2") != "1/4" or meta.get("mu") != "1/2": print("meta", meta)
if meta.get("unit columns") != "yes" or meta.get("n") != "4" or meta.get("h") != "8": print("meta", meta)
if mu2(A) != F(1, 4): print("mu2", mu2(A))'

call autoencoder gen dict 'union:n=4;bases=2' --json
pycheck "gen dict --json: the same matrix and members" '
A, meta = csv_matrix(open("'"$tmp"'/u4.csv").read())
d = json.load(sys.stdin)
if [[F(x) for x in r] for r in d["matrix"]] != A: print("matrix differs")
if (d["n"], d["h"], d["coherence2"], d["mu"], d["unit_columns"], d["seed"], d["generator"]) != (4, 8, "1/4", "1/2", True, 1, "union:n=4;bases=2"): print(d)'

for spec in 'sphere:n=3;h=7;height=5' 'union:n=16;bases=3' 'hadamard:n=16;signed'; do
    call autoencoder gen dict "$spec" --seed 12345
    pycheck "gen dict $spec: mu^2 from its columns, unit columns" '
A, meta = csv_matrix(sys.stdin.read())
n, h = len(A), len(A[0])
for j in range(h):
    if sum(A[i][j] ** 2 for i in range(n)) != 1: print("column", j, "not unit")
m = mu2(A)
if F(meta["mu^2"]) != m: print("mu^2", meta["mu^2"], m)
if meta["seed"] != "12345": print("seed", meta["seed"])'
done

call autoencoder gen dict 'sphere:n=3;h=4' --seed 7 -o "$tmp/s1.csv"
call autoencoder gen dict 'sphere:n=3;h=4' --seed 7 --output "$tmp/s2.csv"
ok_why
cmp -s "$tmp/s1.csv" "$tmp/s2.csv" || why="$why the same seed gave two dictionaries;"
report "gen dict -o: the same seed, the same file" "$why"

# supports:k=2;values=1,-1;p=1/4,3/4 on h = 5: C(5,2) 2^2 = 40 codes
call autoencoder gen codes --h 5 --codes 'supports:k=2;values=1,-1;p=1/4,3/4'
cp "$tmp/out" "$tmp/c5.csv"
pycheck "gen codes --codes: C(h,k)|V|^k codes, each once, probabilities exact, sum 1" '
lines = sys.stdin.read().splitlines()
if lines[0] != "p,x_1,x_2,x_3,x_4,x_5": print("header", lines[0])
rows = [[F(c) for c in l.split(",")] for l in lines[1:]]
if len(rows) != comb(5, 2) * 4: print("count", len(rows))
if sum(r[0] for r in rows) != 1: print("sum", sum(r[0] for r in rows))
seen = set()
for r in rows:
    x = tuple(r[1:])
    S = [i for i in range(5) if x[i] != 0]
    if len(S) != 2: print("support", x)
    pv = {F(1): F(1, 4), F(-1): F(3, 4)}
    want = pv[x[S[0]]] * pv[x[S[1]]] / comb(5, 2)
    if r[0] != want: print("p", r[0], want)
    seen.add(x)
if len(seen) != len(rows): print("repeated codes")'

call autoencoder gen codes --h 5 --codes "$tmp/c5.csv"
ok_why
cmp -s "$tmp/out" "$tmp/c5.csv" || why="$why the list read back differs;"
report "gen codes --codes FILE: a written list reads back the same" "$why"

call autoencoder gen codes --h 6 --k 3 --m1 1/2 --m2 2 --grid 3 --count 50 --seed 3
pycheck "gen codes random: N codes of p = 1/N, k non-zeros on the grid" '
lines = sys.stdin.read().splitlines()
rows = [[F(c) for c in l.split(",")] for l in lines[1:]]
grid = {F(1, 2) + F(3, 2) * j / 3 for j in range(4)}
if len(rows) != 50: print("count", len(rows))
for r in rows:
    if r[0] != F(1, 50): print("p", r[0])
    nz = [v for v in r[1:] if v != 0]
    if len(nz) != 3 or not set(nz) <= grid: print("code", r)'

# bad inputs: exit 2, one line
call autoencoder gen dict 'hadamard:n=8'
bad "gen dict hadamard:n=8" 'n: 8 is not a power of 4'
call autoencoder gen dict 'union:n=4;bases=0'
bad "gen dict bases=0" 'bases: expected an integer from 1'
call autoencoder gen dict 'sphere:n=3'
bad "gen dict sphere without h" 'h: missing'
call autoencoder gen dict 'cube:n=3'
bad "gen dict unknown kind" 'unknown kind'
call autoencoder gen dict 'identity:n=3' --seed -1
bad "gen dict --seed -1" '--seed: expected an integer'
call autoencoder gen dict
bad "gen dict without SPEC" 'expected one SPEC'
call autoencoder gen dict 'identity:n=3' --bogus
bad "gen dict --bogus" 'unknown option'
call autoencoder gen cube
bad "gen cube" 'expected dict or codes'
call autoencoder gen codes --h 30 --codes 'supports:k=10'
bad "gen codes past --max-codes" 'has 30045015 codes' 'at most 1000000'
call autoencoder gen codes --h 6 --codes 'supports:k=2' --max-codes 14
bad "gen codes past --max-codes 14" 'has 15 codes'
call autoencoder gen codes --h 6 --codes 'supports:k=7'
bad "gen codes k > h" 'k: expected a support size from 0 to h = 6'
call autoencoder gen codes --h 6 --codes 'supports:k=2;values=1,2;p=1/2,1/4'
bad "gen codes p not summing to 1" 'sum to 3/4'
printf 'p,x_1,x_2\n1/2,1,0\n1/3,0,1\n' >"$tmp/d.csv"
call autoencoder gen codes --h 2 --codes "$tmp/d.csv"
bad "gen codes list not summing to 1" 'd.csv:3:' 'sum to 5/6'
printf '# two codes\np,x_1,x_2\n1/2,1,0\n1/2,0,1\n' >"$tmp/d2.csv"
call autoencoder gen codes --h 3 --codes "$tmp/d2.csv"
bad "gen codes list of the wrong h" 'd2.csv:2:' 'rows of 2 coordinates' 'expected h = 3'
call autoencoder gen codes --codes 'supports:k=1'
bad "gen codes without --h" '--h H'
call autoencoder gen codes --h 4 --codes 'supports:k=1' --k 1
bad "gen codes --codes with --k" 'one or the other'
call autoencoder gen codes --h 4 --k 1 --m1 -1 --m2 1 --count 3
bad "gen codes grid holding 0" 'holds 0'
call autoencoder gen codes --h 4 --k 1 --m1 2 --m2 1 --count 3
bad "gen codes m1 > m2" 'must not exceed'
call autoencoder gen codes --h 4 --k 1 --m1 1 --m2 x --count 3
bad "gen codes --m2 x" '--m2'
call autoencoder gen codes --h 4 --k 1 --m1 1 --m2 2
bad "gen codes without --count" 'need --k, --m1, --m2 and --count'
call autoencoder gen codes --h 4 --k 5 --m1 1 --m2 2 --count 2
bad "gen codes --k > h" '--k: 5'
call autoencoder gen codes --h 65536 --codes 'supports:k=1'
bad "gen codes: too many entries" '65536 codes of h = 65536 entries are too many'
call autoencoder gen codes --h 65536 --k 1 --m1 1 --m2 2 --count 10000
bad "gen codes random: too many entries" '10000 codes of h = 65536 entries are too many'
call autoencoder gen dict 'identity:n=2' -o "$tmp/no/such/dir/A.csv"
bad "gen dict -o in a missing directory" 'cannot write'

echo "1..$n"
[ "$fails" -eq 0 ]
