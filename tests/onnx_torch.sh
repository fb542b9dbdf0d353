#!/bin/sh
# PyTorch to cpwl (docs/onnx.md): small torch models exported with
# torch.onnx.export -- Linear-ReLU-Linear, Conv2d-ReLU-MaxPool2d-Linear,
# a residual block, Conv2d-LeakyReLU-view-Linear-clamp -- and `cpwl eval` on the .onnx at a few dyadic points
# against torch evaluating the same float32 weights in float64.  The
# difference is torch's float64 rounding only (a few dozen operations on
# numbers below 100: far below 1e-12 relative).  Skipped (77) when no
# python3 with torch is found (torch.onnx.export needs no onnx package).

: "${CPWL:?CPWL must name the cpwl binary}"

py=
for p in "${PYTHON:-python3}" /usr/bin/python3; do
    if "$p" -c 'import torch' >/dev/null 2>&1; then
        py=$p
        break
    fi
done
if [ -z "$py" ]; then
    echo "SKIP: no python3 with torch"
    exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpwl-torch.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0
trap 'exit 99' 1 2 15

CPWL="$CPWL" TMPD="$tmp" "$py" - <<'PYEOF'
import json, os, subprocess, sys
from fractions import Fraction
import warnings
warnings.filterwarnings("ignore")
import torch

torch.manual_seed(13)
tmp = os.environ["TMPD"]
cpwl = os.environ["CPWL"]

class Residual(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Linear(3, 3)
        self.b = torch.nn.Linear(3, 2)
    def forward(self, x):
        return self.b(torch.relu(self.a(x)) + x)

class ViewNet(torch.nn.Module):
    # x.view(x.size(0), -1) exports Shape, Gather, Unsqueeze, Concat, Reshape
    def __init__(self):
        super().__init__()
        self.c = torch.nn.Conv2d(2, 3, 2, stride=2)
        self.l = torch.nn.Linear(12, 2)
    def forward(self, x):
        h = torch.nn.functional.leaky_relu(self.c(x), 0.125)
        return self.l(h.view(h.size(0), -1)).clamp(-0.5, 0.5)

models = {
    "mlp": (torch.nn.Sequential(torch.nn.Linear(2, 5), torch.nn.ReLU(),
                                torch.nn.Linear(5, 1)), (1, 2)),
    "convpool": (torch.nn.Sequential(
        torch.nn.Conv2d(1, 2, 3, padding=1), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2), torch.nn.Flatten(),
        torch.nn.Linear(8, 2)), (1, 1, 4, 4)),
    "residual": (Residual(), (1, 3)),
    "viewnet": (ViewNet(), (1, 2, 4, 4)),
}
fails = 0
n = 0
for name, (m, shape) in models.items():
    m.eval()
    path = os.path.join(tmp, name + ".onnx")
    torch.onnx.export(m, torch.zeros(*shape), path, input_names=["x"],
                      output_names=["y"])
    md = m.double()
    size = 1
    for d in shape:
        size *= d
    for k in range(4):
        g = torch.Generator().manual_seed(100 + k)
        # dyadic points: exact in float64 and in cpwl's input syntax
        ints = torch.randint(-64, 65, (size,), generator=g)
        pt = [Fraction(int(v), 16) for v in ints]
        x = torch.tensor([float(v) for v in pt], dtype=torch.float64)
        with torch.no_grad():
            want = md(x.reshape(*shape)).reshape(-1).tolist()
        at = ",".join(str(v) for v in pt)
        r = subprocess.run([cpwl, "eval", path, "--at", at, "--json"],
                           capture_output=True, text=True)
        n += 1
        if r.returncode != 0:
            print("not ok %d - %s at point %d: %s" % (n, name, k, r.stderr.strip()))
            fails += 1
            continue
        got = [Fraction(s) for s in json.loads(r.stdout)["exact"]]
        bad = [i for i in range(len(want))
               if abs(float(got[i]) - want[i]) > 1e-12 * (1 + abs(want[i]))]
        if len(got) != len(want) or bad:
            print("not ok %d - %s at point %d: cpwl %s, torch %s"
                  % (n, name, k, [float(v) for v in got], want))
            fails += 1
        else:
            print("ok %d - %s at point %d: %d outputs agree" % (n, name, k, len(want)))
print("1..%d" % n)
sys.exit(1 if fails else 0)
PYEOF
