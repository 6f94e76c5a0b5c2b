#!/usr/bin/python3
"""Loads a ScratchVae convolutional checkpoint into the PyTorch model of pytorch_vae.py --architecture conv, with
load_state_dict(strict=True), and writes what that model computes for fixed inputs: x (uniform in [0, 1), seed 0),
mu(x), logvar(x) and the decoder's logits at z = mu(x), as JSON. The test suite (ConvolutionalVaeTests) compares
them with ScratchVae's own outputs, proving the weights' names and layouts are PyTorch's.

The safetensors file is parsed here (an 8-byte header length, a JSON header, raw little-endian float32), so
nothing beyond Debian's python3-torch is needed.

usage: conv_checkpoint_in_pytorch.py --checkpoint DIR --out FILE.json [--count 4]
"""
import argparse
import json
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_vae import ConvVAE  # noqa: E402


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            raise SystemExit(f"{path}: tensor {name} is {entry['dtype']}, expected F32")
        start, end = entry["data_offsets"]
        values = torch.frombuffer(bytearray(body[start:end]), dtype=torch.float32)
        tensors[name] = values.reshape(entry["shape"]).clone()
    return tensors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--count", type=int, default=4)
    args = parser.parse_args()
    with open(os.path.join(args.checkpoint, "config.json")) as f:
        model = json.load(f)["model"]
    if model.get("architecture") != "Conv":
        raise SystemExit(f"{args.checkpoint}: not a convolutional checkpoint")
    vae = ConvVAE(hidden=model["hidden_sizes"][0], latent=model["latent_size"]).double()
    state = {k: v.double() for k, v in read_safetensors(os.path.join(args.checkpoint, "model.safetensors")).items()}
    vae.load_state_dict(state, strict=True)
    torch.manual_seed(0)
    x = torch.rand(args.count, 784, dtype=torch.float64)
    with torch.no_grad():
        mu, logvar = vae.encoder(x)
        logits = vae.decoder(mu)
    flat = lambda t: [float(v) for v in t.reshape(-1).tolist()]
    with open(args.out, "w") as f:
        json.dump({"torch": torch.__version__, "count": args.count, "x": flat(x), "mu": flat(mu), "logvar": flat(logvar), "logits": flat(logits)}, f)


if __name__ == "__main__":
    main()
