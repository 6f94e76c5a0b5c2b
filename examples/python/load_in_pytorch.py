#!/usr/bin/python3
"""Loads a ScratchVae checkpoint into the VAE of PyTorch's examples/vae (main.py), reconstructs test images with it,
and checks the reconstructions against ScratchVae's own; optionally writes the model back as PyTorch would save it,
for `scratchvae import`.

The VAE class below is examples/vae's: fc1 784->400, fc21/fc22 400->20 (mu, logvar), fc3 20->400, fc4 400->784,
ReLU between, sigmoid on the output. ScratchVae names the same layers as PyTorch modules of its own, with the same
[out, in] weight layouts, so loading is a renaming (NAME_MAP):

    ScratchVae checkpoint            examples/vae
    encoder.hidden.0.{weight,bias}   fc1.{weight,bias}
    encoder.mu.*                     fc21.*
    encoder.logvar.*                 fc22.*
    decoder.hidden.0.*               fc3.*
    decoder.out.*                    fc4.*

ScratchVae's decoder returns logits (its loss is BCE from logits); examples/vae's decode applies the sigmoid, so its
decode(mu) is ScratchVae's reconstruction sigmoid(decode(mu(x))). Only a fully connected checkpoint with one hidden
layer has examples/vae's shape (the widths and the latent size may differ; they are read from the tensors).

  # ScratchVae's numbers for the first 16 test images, then PyTorch's for the same images:
  scratchvae reconstruct --checkpoint runs/mnist --out recon.png --count 16 --values recon.safetensors
  python3 examples/python/load_in_pytorch.py --checkpoint runs/mnist --values recon.safetensors --count 16

It reads the test images itself (the IDX files under --data, gzipped or not), computes x -> mu -> sigmoid(fc4(relu(fc3(mu))))
in float32, prints the largest absolute difference from the file of --values and exits 1 when it exceeds --tolerance.
--save FILE.safetensors writes vae.state_dict() (fc1 ... fc4, float32, no __metadata__) as
safetensors.torch.save_file would, to try `scratchvae import --weights FILE --out DIR`.

Needs only torch (Debian's python3-torch will do): the safetensors files are read and written here (an 8-byte header
length, a JSON header, raw little-endian tensors), so the safetensors package is not needed.

usage: load_in_pytorch.py --checkpoint DIR [--values FILE.safetensors] [--count 16] [--data data/mnist]
                          [--tolerance 1e-5] [--save FILE.safetensors]
"""
import argparse
import gzip
import json
import os
import struct
import sys

import torch
from torch import nn
from torch.nn import functional as F

# ScratchVae's layer names -> examples/vae's (each has .weight and .bias).
NAME_MAP = {
    "encoder.hidden.0": "fc1",
    "encoder.mu": "fc21",
    "encoder.logvar": "fc22",
    "decoder.hidden.0": "fc3",
    "decoder.out": "fc4",
}


class VAE(nn.Module):
    """PyTorch examples/vae main.py's model, with its sizes as arguments (784, 400, 20 there)."""

    def __init__(self, pixels=784, hidden=400, latent=20):
        super().__init__()
        self.pixels = pixels
        self.fc1 = nn.Linear(pixels, hidden)
        self.fc21 = nn.Linear(hidden, latent)
        self.fc22 = nn.Linear(hidden, latent)
        self.fc3 = nn.Linear(latent, hidden)
        self.fc4 = nn.Linear(hidden, pixels)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, self.pixels))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


DTYPES = {"F32": torch.float32, "F64": torch.float64}


def read_safetensors(path):
    """A safetensors file's tensors by name (F32 and F64), and its __metadata__."""
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, entry in header.items():
        if entry["dtype"] not in DTYPES:
            raise SystemExit(f"{path}: tensor {name} is {entry['dtype']}; this reader takes F32 and F64")
        start, end = entry["data_offsets"]
        values = torch.frombuffer(bytearray(body[start:end]), dtype=DTYPES[entry["dtype"]])
        tensors[name] = values.reshape(entry["shape"]).clone()
    return tensors, metadata


def write_safetensors(path, tensors):
    """Writes float32 tensors as safetensors.torch.save_file does: keys sorted, no __metadata__, header padded to 8 bytes."""
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        tensor = tensors[name].detach().to(torch.float32).contiguous()
        raw = tensor.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    temporary = path + ".tmp"
    with open(temporary, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for chunk in chunks:
            f.write(chunk)
    os.replace(temporary, path)


def load_checkpoint(folder):
    """examples/vae's VAE holding a ScratchVae checkpoint's weights (load_state_dict with strict=True)."""
    weights, _ = read_safetensors(os.path.join(folder, "model.safetensors"))
    state = {}
    for name, tensor in weights.items():
        layer, _, kind = name.rpartition(".")
        if layer not in NAME_MAP:
            raise SystemExit(f"{folder}: tensor {name} has no place in examples/vae's VAE "
                             "(it takes a fully connected checkpoint with one hidden layer)")
        state[f"{NAME_MAP[layer]}.{kind}"] = tensor.to(torch.float32)
    hidden, pixels = state["fc1.weight"].shape
    latent = state["fc21.weight"].shape[0]
    vae = VAE(pixels=pixels, hidden=hidden, latent=latent)
    vae.load_state_dict(state, strict=True)
    return vae.eval()


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, rank = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise SystemExit(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return torch.frombuffer(bytearray(data[4 + 4 * rank:]), dtype=torch.uint8).reshape(dims)


def test_images(folder, count):
    """The first count test images as float32 pixel / 255, [count, height * width]."""
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            images = read_idx(path)[:count]
            return images.reshape(images.shape[0], -1).to(torch.float32) / 255
    raise SystemExit(f"{folder}: t10k-images-idx3-ubyte(.gz) is missing")


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", required=True, help="the checkpoint folder (what scratchvae train --out wrote)")
    parser.add_argument("--values", help="scratchvae reconstruct --values's file to compare with")
    parser.add_argument("--count", type=int, default=16, help="test images to reconstruct")
    parser.add_argument("--data", default=os.path.join(root, "data", "mnist"), help="folder of the IDX files")
    parser.add_argument("--tolerance", type=float, default=1e-5, help="largest absolute difference accepted")
    parser.add_argument("--save", help="also write the model's state_dict (fc1 ... fc4) to this safetensors file")
    args = parser.parse_args()

    vae = load_checkpoint(args.checkpoint)
    x = test_images(args.data, args.count)
    with torch.no_grad():
        mu, logvar = vae.encode(x)
        reconstruction = vae.decode(mu)
    print(f"torch {torch.__version__}: examples/vae VAE {vae.pixels}-{vae.fc1.out_features}-{vae.fc21.out_features} "
          f"from {args.checkpoint}; reconstructed {x.shape[0]} test images of {args.data}")
    if args.save:
        write_safetensors(args.save, vae.state_dict())
        print(f"wrote {args.save}: {', '.join(sorted(vae.state_dict()))} (float32, no __metadata__)")
    if args.values:
        theirs, _ = read_safetensors(args.values)
        worst = 0.0
        for name, ours in (("x", x), ("mu", mu), ("reconstruction", reconstruction)):
            other = theirs[name].to(torch.float32)
            if other.shape != ours.shape:
                raise SystemExit(f"{args.values}: {name} is {list(other.shape)}, PyTorch's is {list(ours.shape)} (same --count?)")
            difference = (other - ours).abs().max().item()
            print(f"max_abs_difference {name} {difference:.3e}")
            worst = max(worst, difference)
        if worst > args.tolerance:
            print(f"the reconstructions differ by {worst:.3e}, more than --tolerance {args.tolerance:g}", file=sys.stderr)
            return 1
        print(f"agree within {args.tolerance:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
