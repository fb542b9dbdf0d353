#!/usr/bin/env python3
"""PyTorch's side of bench/bench_train.c: samples per second of one
training step (forward, MSELoss against the input, backward, Adam) of a
fully connected ReLU autoencoder in float32 on the CPU.

Prints one line: "torch <version> samples_per_sec <rate>"."""
import argparse
import time

import torch


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--shape", default="784-256-784")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--secs", type=float, default=1.0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    w = [int(x) for x in a.shape.split("-")]
    layers = []
    for i in range(1, len(w)):
        layers.append(torch.nn.Linear(w[i - 1], w[i]))
        if i < len(w) - 1:
            layers.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.MSELoss()
    x = torch.rand(a.batch, w[0])

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), x)
        loss.backward()
        opt.step()

    step()  # untimed, as in bench_train.c
    n = 0
    t0 = time.perf_counter()
    while True:
        step()
        n += 1
        t = time.perf_counter() - t0
        if t >= a.secs and n >= 3:
            break
    print("torch %s samples_per_sec %.1f" % (torch.__version__, a.batch * n / t))


if __name__ == "__main__":
    main()
