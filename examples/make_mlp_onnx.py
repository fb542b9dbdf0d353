# Writes examples/mlp.onnx, the tour's ONNX model: a 2-8-8-1 ReLU MLP in
# PyTorch (float32 weights from seed 0), exported with torch.onnx.export.
#   /usr/bin/python3 examples/make_mlp_onnx.py examples/mlp.onnx
import sys
import torch

torch.manual_seed(0)
model = torch.nn.Sequential(
    torch.nn.Linear(2, 8), torch.nn.ReLU(),
    torch.nn.Linear(8, 8), torch.nn.ReLU(),
    torch.nn.Linear(8, 1))
torch.onnx.export(model, torch.zeros(1, 2), sys.argv[1])
