#!/usr/bin/env python3
"""Writes optim_golden.json: 10 steps of torch.optim optimizers, learning-rate schedulers and
torch.nn.utils.clip_grad_norm_ on fixed parameters and gradients, in float64.

Run with Debian's PyTorch (apt-get install python3-torch):  /usr/bin/python3 tests/golden/make_optim_golden.py
The C# tests (tests/Autograd/Optimizers/OptimizerGoldenTests.cs) read only the JSON: no Python at test time.

Every case trains two parameters, a [5, 7] matrix and a [9] vector. The gradient of each step is a fixed
function of the step and of the current parameters (so the optimizer state is exercised) and is recorded, so
the C# side replays the same gradients. When a case has a schedule, scheduler.step() follows each
optimizer.step(), as PyTorch's documentation does; "learning_rates" is the rate each step used. When a case
has "max_norm", the gradients are clipped by their global norm before each step and "norms" records the
norm clip_grad_norm_ returned.
"""
import json
import math
import os

import torch

torch.set_default_dtype(torch.float64)

SHAPES = [[5, 7], [9]]
STEPS = 10


def optimizer_for(case, params):
    kind, h = case["optimizer"], case["hyper"]
    if kind == "sgd":
        return torch.optim.SGD(params, lr=h["lr"], momentum=h["momentum"], dampening=h["dampening"],
                               weight_decay=h["weight_decay"], nesterov=h["nesterov"])
    if kind == "adam":
        return torch.optim.Adam(params, lr=h["lr"], betas=(h["beta1"], h["beta2"]), eps=h["eps"],
                                weight_decay=h["weight_decay"])
    if kind == "adamw":
        return torch.optim.AdamW(params, lr=h["lr"], betas=(h["beta1"], h["beta2"]), eps=h["eps"],
                                 weight_decay=h["weight_decay"])
    raise ValueError(kind)


def scheduler_for(schedule, opt):
    if schedule is None:
        return None
    kind = schedule["kind"]
    if kind == "step":
        return torch.optim.lr_scheduler.StepLR(opt, step_size=schedule["step_size"], gamma=schedule["gamma"])
    if kind == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=schedule["total_steps"], eta_min=schedule["minimum"])
    if kind == "warmup":
        return torch.optim.lr_scheduler.LinearLR(opt, start_factor=schedule["start_factor"], end_factor=1.0,
                                                 total_iters=schedule["warmup_steps"])
    if kind == "warmup_cosine":
        warmup = torch.optim.lr_scheduler.LinearLR(opt, start_factor=schedule["start_factor"], end_factor=1.0,
                                                   total_iters=schedule["warmup_steps"])
        cosine = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=schedule["total_steps"] - schedule["warmup_steps"],
                                                            eta_min=schedule["minimum"])
        return torch.optim.lr_scheduler.SequentialLR(opt, [warmup, cosine], milestones=[schedule["warmup_steps"]])
    raise ValueError(kind)


def run(case):
    gen = torch.Generator().manual_seed(case.get("seed", 4321))
    params = [torch.nn.Parameter(torch.randn(*shape, generator=gen)) for shape in SHAPES]
    initial = [p.detach().clone().flatten().tolist() for p in params]
    opt = optimizer_for(case, params)
    sched = scheduler_for(case.get("schedule"), opt)
    grads, values, rates, norms = [], [], [], []
    for step in range(1, STEPS + 1):
        step_grads = []
        for k, p in enumerate(params):
            n = p.numel()
            scale = 10.0 ** ((torch.arange(n) % 5) - 2).reshape(p.shape)
            g = torch.sin(p.detach() * step + k) * scale * case.get("gradient_scale", 1.0)
            p.grad = g.clone()
            step_grads.append(g.flatten().tolist())
        if case.get("max_norm") is not None:
            norms.append(float(torch.nn.utils.clip_grad_norm_(params, case["max_norm"])))
        rates.append(opt.param_groups[0]["lr"])
        opt.step()
        if sched is not None:
            sched.step()
        grads.append(step_grads)
        values.append([p.detach().flatten().tolist() for p in params])
    result = {**case, "shapes": SHAPES, "initial": initial, "gradients": grads, "parameters": values,
              "learning_rates": rates}
    if norms:
        result["norms"] = norms
    return result


ADAM = {"lr": 1e-2, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.0}
cases = [
    {"name": "sgd plain", "optimizer": "sgd", "hyper": {"lr": 0.1, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False}},
    {"name": "sgd weight decay", "optimizer": "sgd", "hyper": {"lr": 0.1, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.05, "nesterov": False}},
    {"name": "sgd momentum", "optimizer": "sgd", "hyper": {"lr": 0.05, "momentum": 0.9, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False}},
    {"name": "sgd momentum dampening weight decay", "optimizer": "sgd", "hyper": {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.01, "nesterov": False}},
    {"name": "sgd nesterov", "optimizer": "sgd", "hyper": {"lr": 0.05, "momentum": 0.9, "dampening": 0.0, "weight_decay": 0.0, "nesterov": True}},
    {"name": "sgd nesterov weight decay", "optimizer": "sgd", "hyper": {"lr": 0.05, "momentum": 0.9, "dampening": 0.0, "weight_decay": 0.1, "nesterov": True}},
    {"name": "adam defaults", "optimizer": "adam", "hyper": {**ADAM, "lr": 1e-3}},
    {"name": "adam weight decay", "optimizer": "adam", "hyper": {"lr": 1e-2, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, "weight_decay": 0.1}},
    {"name": "adamw defaults", "optimizer": "adamw", "hyper": {**ADAM, "lr": 1e-3, "weight_decay": 1e-2}},
    {"name": "adamw no weight decay", "optimizer": "adamw", "hyper": {**ADAM}},
    {"name": "adamw strong weight decay", "optimizer": "adamw", "hyper": {"lr": 5e-2, "beta1": 0.85, "beta2": 0.995, "eps": 1e-7, "weight_decay": 0.3}},
    {"name": "step schedule with sgd momentum", "optimizer": "sgd",
     "hyper": {"lr": 0.1, "momentum": 0.9, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False},
     "schedule": {"kind": "step", "step_size": 3, "gamma": 0.5}},
    {"name": "step schedule with adam weight decay", "optimizer": "adam",
     "hyper": {**ADAM, "weight_decay": 0.05}, "schedule": {"kind": "step", "step_size": 4, "gamma": 0.1}},
    {"name": "cosine schedule with sgd", "optimizer": "sgd",
     "hyper": {"lr": 0.2, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False},
     "schedule": {"kind": "cosine", "total_steps": 10, "minimum": 0.01}},
    {"name": "cosine schedule with adamw", "optimizer": "adamw",
     "hyper": {**ADAM, "weight_decay": 0.1}, "schedule": {"kind": "cosine", "total_steps": 8, "minimum": 0.0}},
    {"name": "warmup with adam", "optimizer": "adam",
     "hyper": {**ADAM}, "schedule": {"kind": "warmup", "start_factor": 0.1, "warmup_steps": 5}},
    {"name": "warmup with sgd weight decay", "optimizer": "sgd",
     "hyper": {"lr": 0.1, "momentum": 0.5, "dampening": 0.0, "weight_decay": 0.02, "nesterov": False},
     "schedule": {"kind": "warmup", "start_factor": 0.25, "warmup_steps": 4}},
    {"name": "warmup then cosine with adamw", "optimizer": "adamw",
     "hyper": {**ADAM, "weight_decay": 0.05}, "schedule": {"kind": "warmup_cosine", "start_factor": 0.2, "warmup_steps": 3, "total_steps": 10, "minimum": 1e-4}},
    {"name": "clipped sgd momentum", "optimizer": "sgd", "max_norm": 1.0, "gradient_scale": 5.0,
     "hyper": {"lr": 0.05, "momentum": 0.9, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False}},
    {"name": "clipped adam weight decay", "optimizer": "adam", "max_norm": 0.5,
     "hyper": {**ADAM, "weight_decay": 0.01}},
    {"name": "clip above the norm changes nothing", "optimizer": "sgd", "max_norm": 1e6,
     "hyper": {"lr": 0.1, "momentum": 0.0, "dampening": 0.0, "weight_decay": 0.0, "nesterov": False}},
]
out = {"torch_version": torch.__version__, "steps": STEPS, "cases": [run(c) for c in cases]}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "optim_golden.json")
with open(path, "w") as f:
    json.dump(out, f, indent=None, separators=(",", ":"))
    f.write("\n")
print("wrote", path, len(cases), "cases")
