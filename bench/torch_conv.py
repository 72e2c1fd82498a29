#!/usr/bin/env python3
"""The network of conf/mnist-conv.conf in PyTorch on the CPU, for bench/compare-pytorch.sh conv.

1x28x28 -> conv 3x3/2 32 -> conv 3x3/2 64 (ReLU, "same" padding: 0 before, 1 after, as DL4J pads) -> dense 32
(identity, the code) -> dense 3136 (ReLU) -> transposed conv 3x3/2 32 (ReLU) -> transposed conv 3x3/2 1 (sigmoid),
binary cross-entropy summed over pixels and averaged over the minibatch (DL4J's score), Adam 1e-3.
Prints one JSON line: training examples/s (timed epochs only), test MSE, encoder rows/s (forward of the encoder on
the 10k test images, no IO).
Usage: torch_conv.py MNIST_DIR EPOCHS THREADS BATCH MAX_TRAIN
"""
import json
import sys

import torch
from torch import nn

from torch_dense import images, train_and_time


class SamePad(nn.Module):
    """DL4J's "same" padding of a 3x3 stride-2 convolution on an even size: one row and column after, none before."""

    def forward(self, x):
        return nn.functional.pad(x, (0, 1, 0, 1))


def main():
    folder, epochs, threads, batch, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(threads)
    torch.manual_seed(42)
    train, test = images(folder, "train")[:limit], images(folder, "t10k")
    train, test = train.reshape(-1, 1, 28, 28), test.reshape(-1, 1, 28, 28)
    encoder = nn.Sequential(SamePad(), nn.Conv2d(1, 32, 3, 2), nn.ReLU(), SamePad(), nn.Conv2d(32, 64, 3, 2), nn.ReLU(),
                            nn.Flatten(), nn.Linear(64 * 7 * 7, 32))
    decoder = nn.Sequential(nn.Linear(32, 64 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)),
                            nn.ConvTranspose2d(64, 32, 3, 2, padding=1, output_padding=1), nn.ReLU(),
                            nn.ConvTranspose2d(32, 1, 3, 2, padding=1, output_padding=1), nn.Sigmoid())
    model = nn.Sequential(encoder, decoder)
    bce = nn.BCELoss(reduction="sum")
    result = train_and_time(model, encoder, lambda out, x: bce(out, x) / x.shape[0], train, test, epochs, batch)
    print(json.dumps({"torch": torch.__version__, "threads": threads, "batch": batch, "epochs": epochs,
                      "train_examples": train.shape[0], **result}))


if __name__ == "__main__":
    main()
