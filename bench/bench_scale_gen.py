#!/usr/bin/env python3
"""Inputs of bench/bench_scale.sh, the same as the other benchmarks build
in C (bench/benchutil.h, bench/bench_erm.c), so the figures compare:

  bench_scale_gen.py erm D N SEED   ERM data: D points in R^N, coordinates
                                    k/100, labels a noisy piecewise-linear
                                    function (bench_erm.c's make_data)
  bench_scale_gen.py net NAME       the net NAME = "n-w1-...-wk-1" with
                                    PyTorch's default init rounded to
                                    float32 (bench_torch_net), as cpwl-net
                                    JSON with exact weights"""
import struct
import sys
from fractions import Fraction

M64 = (1 << 64) - 1


def next64(state):
    state[0] = (state[0] + 0x9E3779B97F4A7C15) & M64
    z = state[0]
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def erm(D, n, seed):
    s = [seed]
    for _ in range(D):
        total = dif = 0
        row = []
        for j in range(n):
            k = next64(s) % 1001 - 500
            row.append("%d/100" % k)
            total += k
            dif = dif - k if j else k
        # C division truncates toward zero
        half = int(dif / 2) if dif > 0 else 0
        y = abs(total) - half + next64(s) % 101 - 50 - 200
        row.append("%d/100" % y)
        print(",".join(row))


def name_seed(name):
    h = 0xCBF29CE484222325
    for c in name.encode():
        h = ((h ^ c) * 0x100000001B3) & M64
    return h


def f32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


def net(name):
    sizes = [int(t) for t in name.split("-")]
    s = [name_seed(name)]
    layers = []
    for l in range(1, len(sizes)):
        fan_in, out = sizes[l - 1], sizes[l]
        bound = 1.0 / fan_in ** 0.5
        W, b = [], []
        for _ in range(out):
            row = []
            for j in range(fan_in + 1):
                u = (next64(s) >> 11) * 2.0 ** -53
                q = str(Fraction(f32((2 * u - 1) * bound)))
                (row if j < fan_in else b).append(q)
            W.append(row)
        act = "identity" if l == len(sizes) - 1 else "relu"
        layers.append('{"activation": "%s", "weights": [%s], "bias": [%s]}' % (
            act, ", ".join("[" + ", ".join('"%s"' % q for q in r) + "]" for r in W),
            ", ".join('"%s"' % q for q in b)))
    print('{"format": "cpwl-net", "version": 1, "name": "%s", "input_dim": %d, '
          '"output_bias": true, "layers": [%s]}' % (name, sizes[0], ", ".join(layers)))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "erm":
        erm(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    elif len(sys.argv) == 3 and sys.argv[1] == "net":
        net(sys.argv[2])
    else:
        sys.exit("usage: bench_scale_gen.py erm D N SEED | net NAME")
