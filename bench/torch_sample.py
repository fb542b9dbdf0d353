#!/usr/bin/env python3
"""The PyTorch reference of bench/bench_batch: activation patterns of a
cpwl-net JSON network on a grid, the way empirical papers count regions.

usage: torch_sample.py NET.json [--grid N] [--box LO:HI] [--threads T]
                       [--precision float64,float32] [--chunk C] [--repeat R]

Reads the net (docs/formats.md: numbers as JSON numbers or strings "p/q",
decimals, integers or hex floats, taken exactly with fractions.Fraction and
then rounded to the nearest double), builds the grid of N points per axis
on [LO, HI]^d with torch.linspace (point y = LO + (HI - LO) i / (N - 1), as
cpwl's sample_run), runs the forward pass under torch.no_grad() in each
precision asked for, chunk by chunk, takes the state of every neuron of a
non-identity layer (on iff z > 0, the cpwl convention), packs the states
into int64 words (bit k of word k // 64 is the k-th state, the layout of
cpwl's batch_pack) with numpy.packbits, and counts the distinct patterns
with torch.unique(dim=0), and again with numpy.lexsort (the same count,
checked; torch.unique(dim=0) is slow in torch 1.13, so the faster count is
reported too, to compare with a PyTorch user who knows that).

Prints one JSON line: torch version, threads (torch.get_num_threads()),
points, chunk, and per precision P (f64, f32): P_forward_seconds (grid,
forward pass, packing), P_unique_seconds (torch.unique), P_lexsort_seconds,
each the best of --repeat runs; P_seconds = forward + unique and
P_points_per_s, P_fast_seconds = forward + lexsort and P_fast_points_per_s;
P_distinct.  The thread count (default: every CPU we may run on) is given
to torch and, through the environment, to OpenBLAS and OpenMP (with
OMP_WAIT_POLICY=PASSIVE unless set).
The float32 run uses the float64 weights rounded to float32, i.e. what a
float32 PyTorch model holds (exactly the weights for nets saved from one).
"""
import argparse
import json
import os
import sys
import time
from fractions import Fraction

# numpy and torch are imported in main(), once the thread count is known:
# OpenBLAS (torch's BLAS on Debian) reads OPENBLAS_NUM_THREADS when it is
# loaded, and torch.set_num_threads() does not reach it there.
np = None
torch = None


def parse_hex(body):
    """Exact value of an unsigned hex float body after "0x" (e.g. 1.8p-3)."""
    exp = 0
    low = body.lower()
    if "p" in low:
        low, e = low.split("p", 1)
        exp = int(e)
    if "." in low:
        ip, fp = low.split(".", 1)
    else:
        ip, fp = low, ""
    if ip == "" and fp == "":
        raise ValueError("malformed hex float")
    mant = int(ip + fp, 16) if ip + fp else 0
    exp -= 4 * len(fp)
    return Fraction(mant) * (Fraction(2) ** exp)


def parse_number(v):
    """A weight as the exact rational it denotes (cpwl's num_parse_fmpq)."""
    if isinstance(v, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(v, (int, Fraction)):
        return Fraction(v)
    if not isinstance(v, str) or v == "":
        raise ValueError("not a number: %r" % (v,))
    s, sign = v, 1
    if s[0] in "+-":
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    if s[:2].lower() == "0x":
        return sign * parse_hex(s[2:])
    if "/" in s:
        p, q = s.split("/", 1)
        if not (p.isdigit() and q.isdigit()):
            raise ValueError("malformed fraction %r" % v)
        return sign * Fraction(int(p), int(q))
    if not s[:1].isdigit() and s[:1] != ".":
        raise ValueError("malformed number %r" % v)
    return sign * Fraction(s)


def to_double(q, mode):
    x = float(q)                # nearest double (int / int is correctly rounded)
    if mode == "binary32":
        # Double rounding through binary64: may differ from cpwl's direct
        # rounding in a halfway case; irrelevant for a benchmark.
        x = float(np.float32(x))
    return x


def read_net(path):
    with open(path, "r", encoding="utf-8") as f:
        doc = json.load(f, parse_float=Fraction)
    if doc.get("format") != "cpwl-net":
        raise ValueError("%s: not a cpwl-net file" % path)
    mode = doc.get("numbers", "exact")
    layers = []
    for L in doc["layers"]:
        act = L["activation"]
        if act not in ("relu", "identity", "leaky_relu"):
            raise ValueError("activation %s is not supported" % act)
        W = [[to_double(parse_number(w), mode) for w in row]
             for row in L["weights"]]
        b = [to_double(parse_number(x), mode) for x in L["bias"]]
        slope = to_double(parse_number(L["slope"]), mode) \
            if act == "leaky_relu" else 0.0
        layers.append((act, torch.tensor(W, dtype=torch.float64),
                       torch.tensor(b, dtype=torch.float64), slope))
    return int(doc["input_dim"]), layers


def grid_points(d, n, lo, hi, dtype):
    axis = torch.linspace(lo, hi, n, dtype=dtype)
    mesh = torch.meshgrid(*([axis] * d), indexing="ij")
    return torch.stack([m.reshape(-1) for m in mesh], dim=1).contiguous()


def count_lexsort(packed):
    """Distinct rows by numpy.lexsort: the same count as torch.unique(dim=0)
    (checked), several times faster on torch 1.13."""
    r = packed.view(np.int64)
    if r.shape[0] == 0:
        return 0
    srt = r[np.lexsort(r.T[::-1])]
    return 1 + int(np.any(srt[1:] != srt[:-1], axis=1).sum())


def run(d, layers, n, lo, hi, dtype, chunk, nstates):
    """One whole job; returns (forward seconds, torch.unique seconds,
    lexsort seconds, distinct patterns).  The forward part includes the
    grid and the packing."""
    words = max(1, (nstates + 63) // 64)
    # Weights transposed once: z = a @ W^T + b as torch.nn.Linear does.
    net = [(act, W.to(dtype).t().contiguous(), b.to(dtype), slope)
           for act, W, b, slope in layers]
    t0 = time.perf_counter()
    with torch.no_grad():
        X = grid_points(d, n, lo, hi, dtype)
        npts = X.shape[0]
        packed = np.zeros((npts, 8 * words), dtype=np.uint8)
        for s in range(0, npts, chunk):
            a = X[s:s + chunk]
            states = []
            for act, Wt, b, slope in net:
                z = torch.addmm(b, a, Wt)
                if act == "identity":
                    a = z
                    continue
                on = z > 0
                states.append(on)
                if act == "relu":
                    a = z.relu_()
                else:
                    a = torch.where(on, z, slope * z)
            if states:
                bits = torch.cat(states, dim=1).numpy()
                p = np.packbits(bits, axis=1, bitorder="little")
                packed[s:s + chunk, :p.shape[1]] = p
        t1 = time.perf_counter()
        rows = torch.from_numpy(packed.view(np.int64))
        distinct = torch.unique(rows, dim=0).shape[0]
    t2 = time.perf_counter()
    distinct2 = count_lexsort(packed)
    t3 = time.perf_counter()
    if distinct2 != distinct:
        raise RuntimeError("torch.unique: %d rows, lexsort: %d"
                           % (distinct, distinct2))
    return t1 - t0, t2 - t1, t3 - t2, distinct


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("net")
    ap.add_argument("--grid", type=int, default=1000)
    ap.add_argument("--box", default="-1:1")
    ap.add_argument("--threads", type=int, default=0,
                    help="torch threads (default: every CPU we may run on)")
    ap.add_argument("--precision", default="float64,float32")
    ap.add_argument("--chunk", type=int, default=1 << 14,
                    help="points per forward pass (default 16384, the "
                    "fastest of 8192..131072 here)")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()

    nthreads = args.threads
    if nthreads <= 0:
        try:
            nthreads = len(os.sched_getaffinity(0))
        except AttributeError:
            nthreads = os.cpu_count() or 1
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(nthreads)
    # torch's OpenMP threads spin after each elementwise op and then fight
    # OpenBLAS's own threads in the next addmm; passive waiting measured
    # up to 2x faster with 2 threads here.  Overridable from outside.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    global np, torch
    import numpy
    import torch as torch_module
    np, torch = numpy, torch_module
    torch.set_num_threads(nthreads)
    lo, hi = (float(Fraction(x)) for x in args.box.split(":"))

    d, layers = read_net(args.net)
    nstates = sum(W.shape[0] for act, W, b, s in layers if act != "identity")
    res = {"torch": torch.__version__, "threads": torch.get_num_threads(),
           "points": args.grid ** d, "grid": args.grid, "states": nstates,
           "chunk": args.chunk}
    for prec in args.precision.split(","):
        dtype = {"float64": torch.float64, "float32": torch.float32}[prec]
        key = {"float64": "f64", "float32": "f32"}[prec]
        # Warm-up (first-call allocations, thread pool) on a small grid.
        run(d, layers, min(args.grid, 64), lo, hi, dtype, args.chunk, nstates)
        best = None
        for _ in range(max(1, args.repeat)):
            r = run(d, layers, args.grid, lo, hi, dtype, args.chunk, nstates)
            best = r if best is None else \
                tuple(min(x, y) for x, y in zip(best[:3], r[:3])) + (r[3],)
        fwd, uniq, lex, distinct = best
        pts = res["points"]
        res[key + "_seconds"] = round(fwd + uniq, 6)
        res[key + "_points_per_s"] = round(pts / (fwd + uniq), 1)
        res[key + "_fast_seconds"] = round(fwd + lex, 6)
        res[key + "_fast_points_per_s"] = round(pts / (fwd + lex), 1)
        res[key + "_distinct"] = distinct
        res[key + "_forward_seconds"] = round(fwd, 6)
        res[key + "_unique_seconds"] = round(uniq, 6)
        res[key + "_lexsort_seconds"] = round(lex, 6)
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
