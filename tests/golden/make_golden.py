#!/usr/bin/python3
"""Writes autograd_golden.json: inputs, outputs and gradients of every autograd operation, and of a tiny VAE's
negative ELBO, computed in float64 by PyTorch (Debian's python3-torch, 1.13).

For each case the output y = f(inputs) is recorded with a random seed gradient s of y's shape and the
vector-Jacobian products ∂⟨s, y⟩/∂input = autograd.grad(y, inputs, s) for each input that requires a gradient.
The C# tests (tests/Autograd/GoldenTests.cs) rebuild each case from its "op" and "params", run it on every
device with Backward(seed) and compare. No Python runs at test time.

Run from anywhere:  /usr/bin/python3 tests/golden/make_golden.py
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.manual_seed(20240601)
DTYPE = torch.float64


def tensor(shape, kind="any"):
    """Random inputs away from the kinks of relu and elu (as the C# test inputs)."""
    u = torch.rand(shape, dtype=DTYPE)
    if kind == "positive":
        return 0.5 + 1.5 * u
    if kind == "probability":
        return 0.05 + 0.9 * u
    sign = torch.where(torch.rand(shape, dtype=DTYPE) < 0.5, -1.0, 1.0).to(DTYPE)
    return sign * (0.1 + 1.4 * u)


def flat(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


CASES = []


def case(name, op, specs, function, params=None):
    """specs: list of (shape, kind, requires_grad)."""
    inputs = [tensor(shape, kind).requires_grad_(grad) for shape, kind, grad in specs]
    output = function(*inputs)
    seed = torch.randn(output.shape, dtype=DTYPE)
    wanted = [x for x in inputs if x.requires_grad]
    grads = torch.autograd.grad(output, wanted, seed, allow_unused=True)
    grad_iter = iter(grads)
    gradients = []
    for x in inputs:
        if not x.requires_grad:
            gradients.append(None)
            continue
        g = next(grad_iter)
        gradients.append(flat(g if g is not None else torch.zeros_like(x)))
    CASES.append({
        "name": name,
        "op": op,
        "params": params or {},
        "inputs": [dict(flat(x), requires_grad=x.requires_grad) for x in inputs],
        "output": flat(output),
        "seed": flat(seed),
        "gradients": gradients,
    })


A = "any"
P = "positive"
Q = "probability"

# matmul with transpose flags
for ta in (False, True):
    for tb in (False, True):
        a_shape = [4, 3] if ta else [3, 4]
        b_shape = [2, 4] if tb else [4, 2]
        case(f"matmul ta={ta} tb={tb}", "matmul", [(a_shape, A, True), (b_shape, A, True)],
             lambda a, b, ta=ta, tb=tb: (a.T if ta else a) @ (b.T if tb else b),
             {"transposeA": ta, "transposeB": tb})

# binary operations over every broadcasting layout
BINARY = {
    "add": (lambda a, b: a + b, A),
    "subtract": (lambda a, b: a - b, A),
    "multiply": (lambda a, b: a * b, A),
    "divide": (lambda a, b: a / b, P),
}
LAYOUTS = [
    ("same", [3, 4], [3, 4]),
    ("row", [3, 4], [4]),
    ("row2d", [3, 4], [1, 4]),
    ("column", [3, 4], [3, 1]),
    ("scalar", [3, 4], []),
    ("row-left", [4], [3, 4]),
    ("column-left", [3, 1], [3, 4]),
]
for op, (function, right_kind) in BINARY.items():
    for layout, left, right in LAYOUTS:
        case(f"{op} {layout}", op, [(left, A, True), (right, right_kind, True)], function)

# unary maps
UNARY = {
    "negate": (lambda x: -x, A),
    "exp": (torch.exp, A),
    "log": (torch.log, P),
    "relu": (torch.relu, A),
    "sigmoid": (torch.sigmoid, A),
    "tanh": (torch.tanh, A),
    "softplus": (F.softplus, A),
    "elu": (F.elu, A),
    "square": (torch.square, A),
    "sqrt": (torch.sqrt, P),
}
for op, (function, kind) in UNARY.items():
    case(op, op, [([3, 4], kind, True)], function)

case("affine", "affine", [([3, 4], A, True)], lambda x: -2.5 * x + 0.75, {"scale": -2.5, "shift": 0.75})

# reductions
case("sum all", "sum", [([3, 4], A, True)], lambda x: x.sum(), {"axis": None})
case("sum axis 0", "sum", [([3, 4], A, True)], lambda x: x.sum(0), {"axis": 0})
case("sum axis 1 keep", "sum", [([3, 4], A, True)], lambda x: x.sum(1, keepdim=True), {"axis": 1, "keep": True})
case("mean all", "mean", [([3, 4], A, True)], lambda x: x.mean(), {"axis": None})
case("mean axis 0", "mean", [([3, 4], A, True)], lambda x: x.mean(0), {"axis": 0})
case("mean axis 1", "mean", [([3, 4], A, True)], lambda x: x.mean(1), {"axis": 1})
case("logsumexp", "logsumexp", [([3, 5], A, True)], lambda x: torch.logsumexp(x, 1))
case("logsumexp shifted", "logsumexp", [([3, 5], A, True)], lambda x: torch.logsumexp(x * 30.0, 1), {"scale": 30.0})

# layout
case("reshape", "reshape", [([2, 6], A, True)], lambda x: x.reshape(3, 4), {"shape": [3, 4]})
case("slice columns", "slice", [([3, 5], A, True)], lambda x: x[:, 1:4], {"start": 1, "count": 3})
case("concatenate", "concatenate", [([3, 2], A, True), ([3, 3], A, True)], lambda a, b: torch.cat([a, b, a], 1))

# fused bias + activation
for activation, function in [("relu", torch.relu), ("sigmoid", torch.sigmoid), ("tanh", torch.tanh),
                             ("softplus", F.softplus), ("elu", F.elu), ("identity", lambda s: s)]:
    case(f"bias+{activation}", "bias-activation", [([3, 4], A, True), ([4], A, True)],
         lambda x, b, f=function: f(x + b), {"activation": activation})

# VAE building blocks
case("bernoulli log-likelihood", "bernoulli", [([3, 4], A, True), ([3, 4], Q, True)],
     lambda l, t: -F.binary_cross_entropy_with_logits(l, t, reduction="none").sum(1))
case("bernoulli log-likelihood large logits", "bernoulli", [([3, 4], A, True), ([3, 4], Q, False)],
     lambda l, t: -F.binary_cross_entropy_with_logits(l * 25.0, t, reduction="none").sum(1), {"scale": 25.0})
LOG_2PI = math.log(2 * math.pi)
case("gaussian log-likelihood", "gaussian", [([3, 4], A, True), ([3, 4], A, True), ([3, 4], A, True)],
     lambda x, m, lv: (-0.5 * (LOG_2PI + lv + (x - m) ** 2 / torch.exp(lv))).sum(1))
case("gaussian log-likelihood fixed variance", "gaussian-fixed", [([3, 4], A, True), ([3, 4], A, True)],
     lambda x, m: (-0.5 * (LOG_2PI + math.log(0.7) + (x - m) ** 2 / 0.7)).sum(1), {"variance": 0.7})
case("kl divergence", "kl", [([3, 2], A, True), ([3, 2], A, True)],
     lambda mu, lv: (-0.5 * (1 + lv - mu ** 2 - torch.exp(lv))).sum(1))
case("reparameterize", "reparameterize", [([3, 2], A, True), ([3, 2], A, True), ([3, 2], A, False)],
     lambda mu, lv, eps: mu + torch.exp(0.5 * lv) * eps)

# A tiny VAE (tests/Autograd/TinyVae.cs): x [4, 6] → relu 5 → mu, logVar [4, 2] → z → relu 5 → logits [4, 6];
# negative ELBO = Σ BCE + Σ KL. Weights are stored [in, out] and scaled by 1/√fan_in.
B, D, H, Z = 4, 6, 5, 2
shapes = [[D, H], [H], [H, Z], [Z], [H, Z], [Z], [Z, H], [H], [H, D], [D]]


def vae_loss(x, eps, *p):
    h = torch.relu(x @ p[0] + p[1])
    mu = h @ p[2] + p[3]
    log_var = h @ p[4] + p[5]
    z = mu + torch.exp(0.5 * log_var) * eps
    g = torch.relu(z @ p[6] + p[7])
    logits = g @ p[8] + p[9]
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
    kl = -0.5 * torch.sum(1 + log_var - mu ** 2 - log_var.exp())
    return bce + kl


vae_inputs = [tensor([B, D], Q), tensor([B, Z], A)]
for shape in shapes:
    fan_in = shape[0] if len(shape) == 2 else 2
    vae_inputs.append((tensor(shape, A) / math.sqrt(fan_in)).requires_grad_(True))
loss = vae_loss(*vae_inputs)
seed = torch.randn((), dtype=DTYPE)
grads = torch.autograd.grad(loss, vae_inputs[2:], seed)
CASES.append({
    "name": "tiny vae negative elbo",
    "op": "tiny-vae",
    "params": {},
    "inputs": [dict(flat(x), requires_grad=x.requires_grad) for x in vae_inputs],
    "output": flat(loss),
    "seed": flat(seed),
    "gradients": [None, None] + [flat(g) for g in grads],
})

document = {
    "description": "float64 autograd golden data from PyTorch; see make_golden.py",
    "torch": torch.__version__,
    "cases": CASES,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "autograd_golden.json")
with open(path, "w") as f:
    json.dump(document, f, separators=(",", ":"))
    f.write("\n")
print(f"{len(CASES)} cases, {os.path.getsize(path)} bytes -> {path}")
