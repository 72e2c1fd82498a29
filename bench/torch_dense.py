#!/usr/bin/env python3
"""The network of conf/mnist-bench.conf in PyTorch on the CPU, for bench/compare-pytorch.sh.

784-256-64-32-64-256-784, ReLU, sigmoid output, per-pixel MSE, Adam 1e-3, on the MNIST training images.
Prints one JSON line: training examples/s (timed epochs only), test MSE, encoder rows/s (forward of the encoder on
the 10k test images, no IO).
Usage: torch_dense.py MNIST_DIR EPOCHS THREADS BATCH
"""
import gzip
import json
import os
import struct
import sys
import time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        magic = struct.unpack(">i", f.read(4))[0]
        dims = [struct.unpack(">i", f.read(4))[0] for _ in range(magic & 0xFF)]
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


def images(folder, prefix):
    for name in (prefix + "-images-idx3-ubyte.gz", prefix + "-images-idx3-ubyte"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            return torch.tensor(read_idx(path).reshape(-1, 784) / 255.0, dtype=torch.float32)
    sys.exit(f"no {prefix} images in {folder}")


def main():
    folder, epochs, threads, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    train, test = images(folder, "train"), images(folder, "t10k")
    encoder = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 64), nn.ReLU(), nn.Linear(64, 32))
    decoder = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 784), nn.Sigmoid())
    model = nn.Sequential(encoder, decoder)
    result = train_and_time(model, encoder, nn.MSELoss(), train, test, epochs, batch)
    print(json.dumps({"torch": torch.__version__, "threads": threads, "batch": batch, "epochs": epochs, **result}))


def train_and_time(model, encoder, loss_fn, train, test, epochs, batch):
    """Adam 1e-3 on shuffled minibatches of train; returns training examples/s (timed epochs only), test MSE and the
    encoder's rows/s on test (timed after one warm-up pass)."""
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    seen, seconds = 0, 0.0
    for _ in range(epochs):
        order = torch.randperm(train.shape[0])
        start = time.perf_counter()
        for i in range(0, train.shape[0], batch):
            x = train[order[i:i + batch]]
            optimiser.zero_grad()
            loss = loss_fn(model(x), x)
            loss.backward()
            optimiser.step()
            seen += x.shape[0]
        seconds += time.perf_counter() - start
    with torch.no_grad():
        test_mse = ((model(test) - test) ** 2).mean().item()
        encoder(test)  # warm-up
        start = time.perf_counter()
        encoder(test)
        encode_rate = test.shape[0] / (time.perf_counter() - start)
    return {"train_examples_per_s": seen / seconds, "test_mse": test_mse, "encode_rows_per_s": encode_rate}


if __name__ == "__main__":
    main()
