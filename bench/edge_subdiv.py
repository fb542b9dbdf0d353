#!/usr/bin/env python3
"""Float32 edge subdivision (Berzins, "Polyhedral complex extraction from
ReLU networks using edge subdivision", ICML 2023), reimplemented in
PyTorch as the reference of bench_regions' 2-D speed table (issue 12):
the float tool a researcher would run instead of `cpwl regions`.

usage: edge_subdiv.py NET.json [--box LO:HI] [--threads T] [--repeat R]

Input dimension 2, relu (and identity) layers.  The method as published:
the complex is a graph (vertices with their sign vectors, edges) of the
box [LO, HI]^2.  Neuron by neuron, the neuron's value at every vertex is
known (a forward pass at the start of its layer, linear interpolation
along the split edges inside it: the neuron is affine on every edge of
the previous layers' complex); every edge whose ends have strictly
opposite signs is split at the interpolated zero; the new vertices on one
face (the same sign vector once the split edge's hyperplane is given the
side of the face) are joined by a new edge.  The faces are then counted
by Euler's formula, F = E - V + 1 for a connected plane graph.  All in
float32 (positions, values), as the published tool; signs are exact
zeros only where a vertex was made on the neuron.  Degenerate nets (lines
through existing vertices, parallel or coincident neurons) are outside the
method's assumptions: the count may then be wrong, which is the point of
the comparison.

Prints one JSON line: torch version, threads, regions (F), vertices,
edges, seconds (the best of --repeat runs, net already loaded, torch
imported).
"""
import argparse
import json
import os
import sys
import time
from fractions import Fraction

torch = None


def read_net(path):
    # torch_sample.py's reader (the same directory), float32 weights.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import torch_sample
    torch_sample.torch = torch
    import numpy
    torch_sample.np = numpy
    d, layers = torch_sample.read_net(path)
    out = []
    for act, W, b, _slope in layers:
        if act == "leaky_relu":
            raise ValueError("leaky_relu is not supported here")
        out.append((act, W.to(torch.float32), b.to(torch.float32)))
    return d, out


def preacts(layers, l, X):
    """Pre-activations of layer l at the points X (float32)."""
    A = X
    for k in range(l):
        act, W, b = layers[k]
        A = A @ W.T + b
        if act == "relu":
            A = torch.clamp_min(A, 0)
    act, W, b = layers[l]
    return A @ W.T + b


class Rows:
    """A tensor that grows by rows with amortised doubling (the method
    appends vertices and edges at every neuron; torch.cat of the whole
    would copy everything each time)."""

    def __init__(self, init, cols=None):
        n = init.shape[0]
        shape = list(init.shape)
        if cols is not None:
            shape[1] = cols
        shape[0] = max(16, 2 * n)
        self.buf = torch.zeros(shape, dtype=init.dtype)
        self.buf[:n, :init.shape[1]] = init
        self.n = n

    def add(self, x):
        m = x.shape[0]
        if self.n + m > self.buf.shape[0]:
            shape = list(self.buf.shape)
            shape[0] = 2 * (self.n + m)
            nb = torch.zeros(shape, dtype=self.buf.dtype)
            nb[:self.n] = self.buf[:self.n]
            self.buf = nb
        self.buf[self.n:self.n + m, :x.shape[1]] = x
        self.n += m

    def all(self):
        return self.buf[:self.n]


def extract(layers, lo, hi):
    f32, i8, i64 = torch.float32, torch.int8, torch.int64
    nbox = 4
    htot = nbox + sum(W.shape[0] for act, W, b in layers if act == "relu")
    # The box: corners counter-clockwise, sides as hyperplanes 0..3
    # (left, right, bottom, top), inside = +.
    V = Rows(torch.tensor([[lo, lo], [hi, lo], [hi, hi], [lo, hi]],
                          dtype=f32))
    S = Rows(torch.tensor([[0, 1, 0, 1], [1, 0, 0, 1], [1, 0, 1, 0],
                           [0, 1, 1, 0]], dtype=i8), cols=htot)
    E = Rows(torch.tensor([[0, 1], [1, 2], [2, 3], [3, 0]], dtype=i64))
    H = nbox
    gen = torch.Generator().manual_seed(0)
    r = torch.randint(-(1 << 62), 1 << 62, (htot,), generator=gen, dtype=i64)
    for l, (act, W, b) in enumerate(layers):
        if act == "identity":
            continue
        Z = Rows(preacts(layers, l, V.all()))       # nV x w
        for j in range(W.shape[0]):
            Zall = Z.all()
            z = Zall[:, j]
            s = torch.sign(z).to(i8)
            Eall = E.all()
            u, v = Eall[:, 0], Eall[:, 1]
            ce = torch.nonzero((s[u] * s[v]) < 0).squeeze(1)
            m = ce.numel()
            n0 = V.n
            if m == 0:
                S.buf[:n0, H] = s
                H += 1
                continue
            cu, cv = u[ce], v[ce]
            t = (z[cu] / (z[cu] - z[cv])).unsqueeze(1)
            Vall = V.all()
            P = Vall[cu] + t * (Vall[cv] - Vall[cu])
            ZP = Zall[cu] + t * (Zall[cv] - Zall[cu])
            ZP[:, j] = 0
            # signs inside the edge: the nonzero one of each pair
            Sall = S.all()
            Su, Sv = Sall[cu, :H], Sall[cv, :H]
            SP = torch.where(Su != 0, Su, Sv)
            # the edge's own hyperplane: zero at both ends
            h = torch.argmax(((Su == 0) & (Sv == 0)).to(i8), dim=1)
            newid = torch.arange(n0, n0 + m)
            # split: (u, p) replaces (u, v), (p, v) is appended
            E.buf[ce, 1] = newid
            E.add(torch.stack([newid, cv], dim=1))
            V.add(P)
            Z.add(ZP)
            S.add(SP)
            S.buf[:n0, H] = s
            S.buf[n0:n0 + m, H] = 0
            H += 1
            # faces: each new vertex borders the faces on both sides of
            # its edge's hyperplane (the inside only on a box side)
            key0 = ((S.buf[n0:n0 + m, :H].to(i64) + 1) * r[:H]).sum(dim=1)
            base = key0 - (SP.gather(1, h.unsqueeze(1)).squeeze(1)
                           .to(i64) + 1) * r[h]
            kp = base + 2 * r[h]                    # + side
            km = base                               # - side (-1 + 1 = 0)
            inner = h >= nbox
            keys = torch.cat([kp, km[inner]])
            ids = torch.cat([newid, newid[inner]])
            order = torch.argsort(keys)
            keys, ids = keys[order], ids[order]
            pair = torch.nonzero(keys[1:] == keys[:-1]).squeeze(1)
            if pair.numel():
                E.add(torch.stack([ids[pair], ids[pair + 1]], dim=1))
    return V.n, E.n


def main():
    global torch
    ap = argparse.ArgumentParser()
    ap.add_argument("net")
    ap.add_argument("--box", default="-1:1")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    if a.threads > 0:
        os.environ["OMP_NUM_THREADS"] = str(a.threads)
        os.environ["OPENBLAS_NUM_THREADS"] = str(a.threads)
    import torch as t
    torch = t
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    lo, hi = (float(x) for x in a.box.split(":"))
    d, layers = read_net(a.net)
    if d != 2:
        print("edge_subdiv.py: input dimension %d, not 2" % d, file=sys.stderr)
        return 2
    best = None
    for _ in range(max(1, a.repeat)):
        t0 = time.perf_counter()
        nv, ne = extract(layers, lo, hi)
        secs = time.perf_counter() - t0
        best = secs if best is None else min(best, secs)
    print(json.dumps({"torch": torch.__version__,
                      "threads": torch.get_num_threads(),
                      "regions": ne - nv + 1, "vertices": nv, "edges": ne,
                      "seconds": best}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
