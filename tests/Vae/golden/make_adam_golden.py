#!/usr/bin/env python3
"""Writes adam_golden.json: 10 steps of torch.optim.Adam on fixed parameters and gradients, float64.

Run with Debian's PyTorch:  /usr/bin/python3 tests/Vae/golden/make_adam_golden.py
The C# tests read only the JSON (no Python at test time).

Two cases: PyTorch's defaults, and lr 0.01 / betas (0.8, 0.99) / eps 1e-6 / weight_decay 0.1.
Gradients change every step (a fixed function of the step and the current parameters) so that the
moments are exercised; they are recorded, so the C# side replays the same gradients.
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)


def run(case, n=37, steps=10):
    gen = torch.Generator().manual_seed(1234)
    theta = torch.randn(n, generator=gen)
    theta.requires_grad_(False)
    param = torch.nn.Parameter(theta.clone())
    opt = torch.optim.Adam([param], lr=case["lr"], betas=(case["beta1"], case["beta2"]),
                           eps=case["eps"], weight_decay=case["weight_decay"])
    initial = param.detach().clone()
    grads, params = [], []
    for step in range(1, steps + 1):
        # a gradient that depends on the step and the parameters, with mixed signs and scales
        g = torch.sin(param.detach() * step) * (10.0 ** ((torch.arange(n) % 5) - 2))
        param.grad = g.clone()
        opt.step()
        grads.append(g.tolist())
        params.append(param.detach().tolist())
    return {**case, "initial": initial.tolist(), "gradients": grads, "parameters": params}


cases = [
    {"name": "defaults", "lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0},
    {"name": "decay", "lr": 1e-2, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.1},
]
out = {"torch_version": torch.__version__, "cases": [run(c) for c in cases]}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "adam_golden.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", path)
