#!/usr/bin/env python3
"""The peer ScratchVae is measured against: PyTorch's examples/vae model and training loop.

784 -> 400 (ReLU) -> {mu, logvar} 20; 20 -> 400 (ReLU) -> 784 (sigmoid); Adam lr 1e-3; batch 128;
inputs are pixel / 255 (not binarised); loss = BCE summed over pixels and examples + KL summed;
the reported test loss is the summed test loss divided by the number of test examples.

Runs with Debian's python3-torch (CPU, OpenBLAS), or on a GPU with --device cuda (the data set is moved to
the GPU once, so each step reads its batch there as ScratchVae's cuda device does). Reads the IDX files itself (no torchvision, no
network). Prints one line per epoch in the same format as `scratchvae train`:
    epoch N train_loss X test_loss Y recon R kl K seconds S

With --architecture conv it trains the convolutional VAE of `scratchvae train --architecture conv` instead:
    encoder  x [B, 1, 28, 28] -> Conv2d 1->32 k4 s2 p1, ReLU -> [B, 32, 14, 14] -> Conv2d 32->64 k4 s2 p1, ReLU
             -> [B, 64, 7, 7] -> flatten 3136 -> Linear 3136->400, ReLU -> {mu, logvar} Linear 400->20
    decoder  z -> Linear 20->400, ReLU -> Linear 400->3136, ReLU -> [B, 64, 7, 7] -> ConvTranspose2d 64->32 k4 s2 p1,
             ReLU -> [B, 32, 14, 14] -> ConvTranspose2d 32->1 k4 s2 p1 -> logits [B, 1, 28, 28]
    loss     BCE with logits summed + KL summed (same optimizer, batch, data and test loss as above)
Its state_dict() keys are ScratchVae's parameter names: encoder.conv.0.weight, encoder.conv.1.*, encoder.hidden.0.*,
encoder.mu.*, encoder.logvar.*, decoder.hidden.0.*, decoder.hidden.1.*, decoder.deconv.0.*, decoder.deconv.1.*
(weights in PyTorch's layouts: Conv2d [out, in, KH, KW], ConvTranspose2d [in, out, KH, KW], Linear [out, in]).
On the CPU run it with OPENBLAS_NUM_THREADS=1 (as bench/vae-vs-pytorch.sh does): --threads sets PyTorch's own
threads, and OpenBLAS's threads beside them oversubscribe the cores in the convolutions (~3x slower steps on 2 cores).

Usage: python3 bench/peers/pytorch_vae.py [--data DIR] [--epochs 10] [--threads 2] [--seed 1] [--device cpu|cuda]
                                         [--architecture mlp|conv] [--flush-denormal] [--limit N]
--limit N trains and tests on the first N images of each set only (as `scratchvae train --limit`), for quick timings.
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


IMAGE_SIDE = 28
CONV_CHANNELS = (32, 64)
CONV_FEATURES = CONV_CHANNELS[1] * (IMAGE_SIDE // 4) ** 2  # 64 x 7 x 7 = 3136


class ConvEncoder(nn.Module):
    """q(z|x): two stride-2 convolutions, one hidden linear layer, the mu and logvar heads."""

    def __init__(self, hidden=400, latent=20):
        super().__init__()
        self.conv = nn.ModuleList([
            nn.Conv2d(1, CONV_CHANNELS[0], kernel_size=4, stride=2, padding=1),
            nn.Conv2d(CONV_CHANNELS[0], CONV_CHANNELS[1], kernel_size=4, stride=2, padding=1),
        ])
        self.hidden = nn.ModuleList([nn.Linear(CONV_FEATURES, hidden)])
        self.mu = nn.Linear(hidden, latent)
        self.logvar = nn.Linear(hidden, latent)

    def forward(self, x):
        h = x.view(-1, 1, IMAGE_SIDE, IMAGE_SIDE)
        for convolution in self.conv:
            h = F.relu(convolution(h))
        h = F.relu(self.hidden[0](h.flatten(1)))
        return self.mu(h), self.logvar(h)


class ConvDecoder(nn.Module):
    """p(x|z): the encoder mirrored; returns logits [B, 784] (no sigmoid: the loss takes logits)."""

    def __init__(self, hidden=400, latent=20):
        super().__init__()
        self.hidden = nn.ModuleList([nn.Linear(latent, hidden), nn.Linear(hidden, CONV_FEATURES)])
        self.deconv = nn.ModuleList([
            nn.ConvTranspose2d(CONV_CHANNELS[1], CONV_CHANNELS[0], kernel_size=4, stride=2, padding=1),
            nn.ConvTranspose2d(CONV_CHANNELS[0], 1, kernel_size=4, stride=2, padding=1),
        ])

    def forward(self, z):
        h = z
        for layer in self.hidden:
            h = F.relu(layer(h))
        h = h.view(-1, CONV_CHANNELS[1], IMAGE_SIDE // 4, IMAGE_SIDE // 4)
        h = F.relu(self.deconv[0](h))
        return self.deconv[1](h).flatten(1)


class ConvVAE(nn.Module):
    def __init__(self, hidden=400, latent=20):
        super().__init__()
        self.encoder = ConvEncoder(hidden, latent)
        self.decoder = ConvDecoder(hidden, latent)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        return mu + torch.randn_like(std) * std

    def forward(self, x):
        mu, logvar = self.encoder(x)
        z = self.reparameterize(mu, logvar)
        return self.decoder(z), mu, logvar


def logit_loss_terms(logits, x, mu, logvar):
    """As loss_terms, from logits: BCE via softplus (stable), KL in closed form."""
    bce = F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
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
    parser.add_argument("--architecture", default="mlp", choices=("mlp", "conv"),
                        help="mlp: PyTorch's examples/vae model (784-400-20); conv: the convolutional VAE")
    parser.add_argument("--flush-denormal", action="store_true",
                        help="torch.set_flush_denormal(True): subnormal floats become zero in every CPU op (not the default)")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N training and test images")
    args = parser.parse_args()
    if args.limit is not None and args.limit < 1:
        raise SystemExit("--limit must be at least 1")
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
    if args.limit is not None:
        train_x, test_x = train_x[:args.limit], test_x[:args.limit]
    if args.architecture == "conv":
        model, terms = ConvVAE().to(device), logit_loss_terms
    else:
        model, terms = VAE().to(device), loss_terms
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    where = torch.cuda.get_device_name(device) if device.type == "cuda" else f"threads {torch.get_num_threads()}"
    architecture = "" if args.architecture == "mlp" else f" architecture {args.architecture}"
    print(f"pytorch {torch.__version__} {where} train {len(train_x)} test {len(test_x)}{architecture}", flush=True)
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        model.train()
        total = 0.0
        order = torch.randperm(len(train_x), device=device)
        for i in range(0, len(train_x), args.batch):
            x = train_x[order[i:i + args.batch]]
            optimizer.zero_grad()
            recon, mu, logvar = model(x)
            bce, kld = terms(recon, x, mu, logvar)
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
                bce, kld = terms(recon, x, mu, logvar)
                test_total += (bce + kld).item()
                recon_total += bce.item()
                kl_total += kld.item()
        n = len(test_x)
        print(f"epoch {epoch} train_loss {total / len(train_x):.4f} test_loss {test_total / n:.4f} "
              f"recon {recon_total / n:.4f} kl {kl_total / n:.4f} seconds {seconds:.3f}", flush=True)


if __name__ == "__main__":
    main()
