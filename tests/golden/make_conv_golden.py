#!/usr/bin/python3
"""Writes conv_golden.json: inputs, outputs and gradients of 2-D convolution and transposed convolution, computed in
float64 by PyTorch (Debian's python3-torch, 1.13): F.conv2d(x, w, b, stride, padding) and
F.conv_transpose2d(x, w, b, stride, padding, output_padding), dilation 1 and groups 1 throughout.

For each case the output y = f(inputs) is recorded with a random seed gradient s of y's shape and the
vector-Jacobian products ∂⟨s, y⟩/∂input = autograd.grad(y, inputs, s) for every input (all require a gradient).
The C# tests rebuild each case from its "op" and "params" with Ops.Conv2d / Ops.ConvTranspose2d, run it on every
device with Backward(seed) and compare. No Python runs at test time.

The JSON is that of make_golden.py: {"description", "torch", "cases": [...]}, each case
    {"name": str, "op": "conv2d" | "conv-transpose2d", "params": {...},
     "inputs": [{"shape": [...], "data": [...], "requires_grad": true}, ...],
     "output": {"shape", "data"}, "seed": {"shape", "data"}, "gradients": [{"shape", "data"}, ...]}
with data flattened in row-major (C) order. Params:
    "stride":         [sh, sw]   (rows, columns)
    "padding":        [ph, pw]   zeros added on both sides of each axis
    "output_padding": [oh, ow]   conv-transpose2d only; oh < sh and ow < sw; the output grows by oh rows at the
                                 bottom and ow columns at the right: the full scatter, (H - 1) sh + KH rows, loses ph
                                 rows at the top and ph - oh at the bottom; where oh > ph the extra rows lie outside
                                 it and hold the bias alone (the case "... s2,3 p1,0 op1,2 ..." has two such columns)
    "bias":           true | false
Inputs, in this order (bias left out when "bias" is false):
    x       [N, C_in, H, W]
    weight  conv2d [C_out, C_in, KH, KW]; conv-transpose2d [C_in, C_out, KH, KW] (PyTorch's layouts)
    bias    [C_out]
Output [N, C_out, H_out, W_out]:
    conv2d            H_out = (H + 2 ph - KH) / sh + 1 (rounded down), likewise W_out
    conv-transpose2d  H_out = (H - 1) sh - 2 ph + KH + oh, likewise W_out
"gradients" holds one entry per input, in the same order.

Run from anywhere:  /usr/bin/python3 tests/golden/make_conv_golden.py
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(20251207)
DTYPE = torch.float64
LIMIT_BYTES = 1_500_000


def tensor(shape):
    """Random values of either sign in ±[0.1, 1.5] (as make_golden.py's "any")."""
    u = torch.rand(shape, dtype=DTYPE)
    sign = torch.where(torch.rand(shape, dtype=DTYPE) < 0.5, -1.0, 1.0).to(DTYPE)
    return sign * (0.1 + 1.4 * u)


def flat(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def pair(value):
    return list(value) if isinstance(value, (tuple, list)) else [value, value]


CASES = []


def record(name, op, params, inputs, output, expected_shape):
    if list(output.shape) != expected_shape:
        raise SystemExit(f"{name}: output {list(output.shape)}, the formula gives {expected_shape}")
    seed = torch.randn(output.shape, dtype=DTYPE)
    gradients = torch.autograd.grad(output, inputs, seed)
    CASES.append({
        "name": name,
        "op": op,
        "params": params,
        "inputs": [dict(flat(x), requires_grad=True) for x in inputs],
        "output": flat(output),
        "seed": flat(seed),
        "gradients": [flat(g) for g in gradients],
    })


def conv2d(name, batch, in_channels, out_channels, image, kernel, stride=1, padding=0, bias=True):
    """image (H, W) or H; kernel (KH, KW) or K; stride and padding likewise."""
    (h, w), (kh, kw), (sh, sw), (ph, pw) = pair(image), pair(kernel), pair(stride), pair(padding)
    inputs = [tensor([batch, in_channels, h, w]).requires_grad_(True),
              tensor([out_channels, in_channels, kh, kw]).requires_grad_(True)]
    if bias:
        inputs.append(tensor([out_channels]).requires_grad_(True))
    output = F.conv2d(inputs[0], inputs[1], inputs[2] if bias else None, stride=(sh, sw), padding=(ph, pw))
    expected = [batch, out_channels, (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1]
    record(name, "conv2d", {"stride": [sh, sw], "padding": [ph, pw], "bias": bias}, inputs, output, expected)


def conv_transpose2d(name, batch, in_channels, out_channels, image, kernel, stride=1, padding=0, output_padding=0,
                     bias=True):
    (h, w), (kh, kw), (sh, sw) = pair(image), pair(kernel), pair(stride)
    (ph, pw), (oh, ow) = pair(padding), pair(output_padding)
    if oh >= sh or ow >= sw:
        raise SystemExit(f"{name}: output_padding must be less than the stride")
    inputs = [tensor([batch, in_channels, h, w]).requires_grad_(True),
              tensor([in_channels, out_channels, kh, kw]).requires_grad_(True)]
    if bias:
        inputs.append(tensor([out_channels]).requires_grad_(True))
    output = F.conv_transpose2d(inputs[0], inputs[1], inputs[2] if bias else None, stride=(sh, sw),
                                padding=(ph, pw), output_padding=(oh, ow))
    expected = [batch, out_channels, (h - 1) * sh - 2 * ph + kh + oh, (w - 1) * sw - 2 * pw + kw + ow]
    record(name, "conv-transpose2d",
           {"stride": [sh, sw], "padding": [ph, pw], "output_padding": [oh, ow], "bias": bias},
           inputs, output, expected)


# F.conv2d: strides 1-3, paddings 0-2, kernels 1-5, square and not, odd and even images, batch 1 and more
conv2d("conv2d 1->1 k3 s1 p0 5x5", 1, 1, 1, 5, 3)
conv2d("conv2d 1->1 k1 s1 p0 4x4 no bias", 1, 1, 1, 4, 1, bias=False)
conv2d("conv2d 2->3 k3 s1 p1 7x7 batch 2", 2, 2, 3, 7, 3, padding=1)
conv2d("conv2d 3->2 k5 s1 p2 9x9", 1, 3, 2, 9, 5, padding=2)
conv2d("conv2d 2->2 k3 s2 p1 7x7 batch 2 no bias", 2, 2, 2, 7, 3, stride=2, padding=1, bias=False)
conv2d("conv2d 1->2 k2 s2 p0 6x6", 1, 1, 2, 6, 2, stride=2)
conv2d("conv2d 2->3 k3 s3 p0 10x10 (last column and row unused)", 1, 2, 3, 10, 3, stride=3)
conv2d("conv2d 2->2 k2x3 s1 p0,1 5x6 batch 2", 2, 2, 2, (5, 6), (2, 3), padding=(0, 1))
conv2d("conv2d 3->2 k3x1 s2,1 p1,0 7x5", 1, 3, 2, (7, 5), (3, 1), stride=(2, 1), padding=(1, 0))
conv2d("conv2d 1->4 k4 s2 p2 5x5", 1, 1, 4, 5, 4, stride=2, padding=2)
conv2d("conv2d 2->1 k5 s3 p2 11x11 batch 3 no bias", 3, 2, 1, 11, 5, stride=3, padding=2, bias=False)
# The conv VAE's encoder layers (1->32 and 32->64, k4 s2 p1), with fewer channels
conv2d("conv2d vae layer 1 reduced 1->3 k4 s2 p1 28x28 batch 2", 2, 1, 3, 28, 4, stride=2, padding=1)
conv2d("conv2d vae layer 2 reduced 3->4 k4 s2 p1 14x14 batch 2", 2, 3, 4, 14, 4, stride=2, padding=1)

# F.conv_transpose2d: the same ranges, output_padding 0 and 1 (and 2 beside a stride of 3)
conv_transpose2d("conv_transpose2d 1->1 k3 s1 p0 4x4", 1, 1, 1, 4, 3)
conv_transpose2d("conv_transpose2d 1->1 k1 s1 p0 3x3 no bias", 1, 1, 1, 3, 1, bias=False)
conv_transpose2d("conv_transpose2d 2->3 k3 s2 p1 op0 4x4 batch 2", 2, 2, 3, 4, 3, stride=2, padding=1)
conv_transpose2d("conv_transpose2d 2->3 k3 s2 p1 op1 4x4 batch 2", 2, 2, 3, 4, 3, stride=2, padding=1,
                 output_padding=1)
conv_transpose2d("conv_transpose2d 3->2 k4 s2 p1 5x5 no bias", 1, 3, 2, 5, 4, stride=2, padding=1, bias=False)
conv_transpose2d("conv_transpose2d 2->2 k3 s3 p0 3x3 (no overlap)", 1, 2, 2, 3, 3, stride=3)
conv_transpose2d("conv_transpose2d 2->2 k4 s3 p2 op1 5x5 batch 2", 2, 2, 2, 5, 4, stride=3, padding=2,
                 output_padding=1)
conv_transpose2d("conv_transpose2d 1->2 k5 s1 p2 5x5 batch 3", 3, 1, 2, 5, 5, padding=2)
conv_transpose2d("conv_transpose2d 2->2 k2x3 s1 p0,1 4x5", 1, 2, 2, (4, 5), (2, 3), padding=(0, 1))
conv_transpose2d("conv_transpose2d 2->3 k3x2 s2,3 p1,0 op1,2 3x4 batch 2", 2, 2, 3, (3, 4), (3, 2), stride=(2, 3),
                 padding=(1, 0), output_padding=(1, 2))
# The conv VAE's decoder layers (64->32 and 32->1, k4 s2 p1), with fewer channels
conv_transpose2d("conv_transpose2d vae layer 1 reduced 4->2 k4 s2 p1 7x7 batch 2", 2, 4, 2, 7, 4, stride=2, padding=1)
conv_transpose2d("conv_transpose2d vae layer 2 reduced 2->1 k4 s2 p1 14x14 batch 2", 2, 2, 1, 14, 4, stride=2,
                 padding=1)

document = {
    "description": "float64 conv2d / conv_transpose2d golden data from PyTorch; see make_conv_golden.py",
    "torch": torch.__version__,
    "cases": CASES,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "conv_golden.json")
with open(path, "w") as f:
    json.dump(document, f, separators=(",", ":"))
    f.write("\n")
size = os.path.getsize(path)
if size > LIMIT_BYTES:
    raise SystemExit(f"{path}: {size} bytes, more than the {LIMIT_BYTES} this file should stay under")
print(f"{len(CASES)} cases, {size} bytes -> {path}")
