#!/usr/bin/env python3
"""The peer ScratchVae is measured against: PyTorch's examples/vae model and training loop.

784 -> 400 (ReLU) -> {mu, logvar} 20; 20 -> 400 (ReLU) -> 784 (sigmoid); Adam lr 1e-3; batch 128;
inputs are pixel / 255 (not binarised); loss = BCE summed over pixels and examples + KL summed;
the reported test loss is the summed test loss divided by the number of test examples.

Runs with Debian's python3-torch (CPU, OpenBLAS), or on a GPU with --device cuda (the data set is moved to
the GPU once, so each step reads its batch there as ScratchVae's cuda device does). Reads the IDX files itself (no torchvision, no
network). Prints one line per epoch in the same format as `scratchvae train`:
    epoch N train_loss X test_loss Y recon R kl K seconds S

Usage: python3 bench/peers/pytorch_vae.py [--data DIR] [--epochs 10] [--threads 2] [--seed 1] [--device cpu|cuda]
                                         [--flush-denormal]
"""
import argparse
import gzip
import os
import struct
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype, rank = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise SystemExit(f"{path}: not an unsigned-byte IDX file")
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def find(folder, stem):
    for name in (stem + ".gz", stem):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            return path
    raise SystemExit(f"{folder}: {stem}(.gz) is missing")


class VAE(nn.Module):
    def __init__(self, pixels=784, hidden=400, latent=20):
        super().__init__()
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
        return mu + torch.randn_like(std) * std

    def decode(self, z):
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z))))

    def forward(self, x):
        mu, logvar = self.encode(x)
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


def loss_terms(recon_x, x, mu, logvar):
    bce = F.binary_cross_entropy(recon_x, x, reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce, kld


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--flush-denormal", action="store_true",
                        help="torch.set_flush_denormal(True): subnormal floats become zero in every CPU op (not the default)")
    args = parser.parse_args()
    if args.flush_denormal and not torch.set_flush_denormal(True):
        raise SystemExit("--flush-denormal: this processor does not support flushing subnormals")
    device = torch.device(args.device)
    if device.type == "cuda":
        # Full float32 products, as ScratchVae computes them (PyTorch would otherwise be free to use TF32).
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    train_x = torch.from_numpy(read_idx(find(args.data, "train-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255.0).to(device)
    test_x = torch.from_numpy(read_idx(find(args.data, "t10k-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255.0).to(device)
    model = VAE().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    where = torch.cuda.get_device_name(device) if device.type == "cuda" else f"threads {torch.get_num_threads()}"
    print(f"pytorch {torch.__version__} {where} train {len(train_x)} test {len(test_x)}", flush=True)
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        model.train()
        total = 0.0
        order = torch.randperm(len(train_x), device=device)
        for i in range(0, len(train_x), args.batch):
            x = train_x[order[i:i + args.batch]]
            optimizer.zero_grad()
            recon, mu, logvar = model(x)
            bce, kld = loss_terms(recon, x, mu, logvar)
            loss = bce + kld
            loss.backward()
            total += loss.item()
            optimizer.step()
        if device.type == "cuda":
            torch.cuda.synchronize()
        seconds = time.perf_counter() - start
        model.eval()
        test_total = recon_total = kl_total = 0.0
        with torch.no_grad():
            for i in range(0, len(test_x), args.batch):
                x = test_x[i:i + args.batch]
                recon, mu, logvar = model(x)
                bce, kld = loss_terms(recon, x, mu, logvar)
                test_total += (bce + kld).item()
                recon_total += bce.item()
                kl_total += kld.item()
        n = len(test_x)
        print(f"epoch {epoch} train_loss {total / len(train_x):.4f} test_loss {test_total / n:.4f} "
              f"recon {recon_total / n:.4f} kl {kl_total / n:.4f} seconds {seconds:.3f}", flush=True)


if __name__ == "__main__":
    main()
