#!/usr/bin/python3
# SPDX-License-Identifier: BSL-1.0
"""ctnn side by side with PyTorch on the four seed networks.

Both halves start from the same parameters (ctnn_peer writes its seeded initial weights; this
script loads them into the PyTorch modules), train on the same data with the same batch size,
optimizer, learning rate and thread count, and run in the same invocation, so the ratios hold
on a noisy machine.

  compare_pytorch.py --peer build/bench/benchmarks/pytorch/ctnn_peer --data ../shared/data
      The table: training images/s, batch-1 latency and test accuracy after one epoch.
  compare_pytorch.py --peer ... --agree-only
      Only the agreement check: one training step from identical weights (SGD and Adam); exits
      non-zero if any parameter differs by more than 1e-4 relative.  Exits 77 (skipped) with a
      message when PyTorch is not installed.

Run it with Debian's /usr/bin/python3: that is the interpreter python3-torch serves.
"""
import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import numpy as np
    import torch
    from torch import nn
except ImportError as e:  # the test suite treats 77 as "skipped"
    print(f"SKIPPED: PyTorch is not available to {sys.executable} ({e}); "
          "install python3-torch python3-numpy libopenblas0-pthread", file=sys.stderr)
    sys.exit(77)


# --- The seed networks, with modules registered in ctnn's parameter order -----------------

class Residual(nn.Module):
    """N2's block: relu(h W2) + h Wskip (ctnn: residual<sequence<dense, relu>, dense>)."""

    def __init__(self):
        super().__init__()
        self.branch = nn.Sequential(nn.Linear(100, 66, bias=False), nn.ReLU())
        self.skip = nn.Linear(100, 66, bias=False)

    def forward(self, x):
        return self.branch(x) + self.skip(x)


def build(net):
    if net == "n1":
        return nn.Sequential(
            nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 24, 6, stride=2, padding=3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(96, 64), nn.ReLU(), nn.BatchNorm1d(64), nn.Linear(64, 10))
    if net == "n2":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 100), nn.ReLU(), Residual(),
                             nn.Linear(66, 10, bias=False))
    if net == "n3":
        return nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, 10))
    if net == "n4":
        return nn.Sequential(
            nn.Conv2d(1, 3, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(3, 3, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(75, 3))
    raise ValueError(net)


NETS = {  # name, data folder under --data, Adam learning rate (the examples' defaults)
    "n1": ("mnist_cnn", "mnist", 1e-2),
    "n2": ("residual_mlp", "mnist", 1e-3),
    "n3": ("lenet_bn", "fashion-mnist", 2e-3),
    "n4": ("tiny_cnn<3> (digits 0-2)", "mnist", 1e-2),
}


def load_flat(model, flat):
    """Copies ctnn's flat parameter array into the modules (same order, same layouts)."""
    flat = torch.from_numpy(flat)
    at = 0
    with torch.no_grad():
        for p in model.parameters():
            n = p.numel()
            if at + n > flat.numel():
                raise SystemExit(f"ctnn wrote {flat.numel()} parameters; the PyTorch model has more")
            p.copy_(flat[at:at + n].view_as(p))
            at += n
    if at != flat.numel():
        raise SystemExit(f"ctnn wrote {flat.numel()} parameters; the PyTorch model has {at}")


def flat_of(tensors):
    return torch.cat([t.detach().reshape(-1) for t in tensors]).numpy()


def read_f32(path):
    return np.fromfile(path, dtype="<f4")


# --- Agreement: one step from identical weights ---------------------------------------------

def tensor_relative(a, b, sizes, skip, keep=None):
    """max |a - b| / max |b| within each parameter tensor not in skip; the largest of those."""
    worst, at = 0.0, 0
    for i, n in enumerate(sizes):
        x, y = a[at:at + n], b[at:at + n]
        if keep is not None:
            x, y = x[keep[at:at + n]], y[keep[at:at + n]]
        at += n
        if i not in skip and y.size:
            worst = max(worst, float(np.max(np.abs(x - y)) / np.max(np.abs(y))))
    return worst


def agree(peer, net, tolerance, lr_skew=1.0):
    """One SGD and one Adam step in both from the same weights and batch; the differences.

    The batch is seeded uniform noise rather than images: max pooling sends a window's
    gradient to its first maximum, and the flat backgrounds of real images make exact ties
    (about 20,000 windows per Fashion-MNIST batch in N3) that rounding in either library
    breaks differently, so real images would compare the tie-breaking, not the arithmetic.
    """
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([peer, "step", "--net", net, "--dir", d], check=True,
                       stdout=subprocess.DEVNULL)
        x = torch.from_numpy(read_f32(Path(d) / "x.bin")).view(128, 1, 28, 28)
        y = torch.from_numpy(np.fromfile(Path(d) / "y.bin", dtype=np.uint8).astype(np.int64))
        init = read_f32(Path(d) / "init.bin")
        theirs_grad = read_f32(Path(d) / "grad.bin")
        results = {}
        for name, make, lr in (("sgd", torch.optim.SGD, 0.1), ("adam", torch.optim.Adam, 1e-2)):
            model = build(net)
            load_flat(model, init)
            model.train()
            opt = make(model.parameters(), lr=lr * lr_skew)
            opt.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            names = [k for k, _ in model.named_parameters()]
            sizes = [p.numel() for p in model.parameters()]
            g = flat_of(p.grad for p in model.parameters())
            opt.step()
            mine = flat_of(model.parameters())
            # A tensor whose gradient is tiny in both libraries holds rounding noise: the bias
            # of a layer just before batch_norm has a gradient of exactly 0 in exact arithmetic.
            # Noise has no relative error, so such tensors are listed and left out.
            bound, skip, at = 1e-4 * float(np.max(np.abs(g))), set(), 0
            for i, n in enumerate(sizes):
                if max(np.max(np.abs(g[at:at + n])), np.max(np.abs(theirs_grad[at:at + n]))) < bound:
                    skip.add(i)
                at += n
            results["noise_tensors"] = [names[i] for i in sorted(skip)]
            keep = None
            if name == "adam":
                # Adam's first step moves each parameter by lr * g / (|g| + eps), about the sign
                # of g, so where g is at rounding-noise level within its tensor either sign is
                # right; those parameters are left out.  Exact zeros (dead relu units) stay in.
                keep = np.ones(g.size, dtype=bool)
                at = 0
                for n in sizes:
                    part = np.abs(g[at:at + n])
                    keep[at:at + n] = (part > 1e-5 * np.max(part)) | (part == 0)
                    at += n
                results["adam_left_out"] = int(g.size - np.count_nonzero(keep))
            else:
                results["grad"] = tensor_relative(theirs_grad, g, sizes, skip)
            results[name] = tensor_relative(read_f32(Path(d) / f"{name}.bin"), mine, sizes, skip,
                                            keep)
        results["ok"] = all(results[k] <= tolerance for k in ("sgd", "adam", "grad"))
        return results


# --- Speed and accuracy ---------------------------------------------------------------------

def read_idx(folder, stem):
    for name in (stem, stem + ".gz"):
        p = Path(folder) / name
        if p.exists():
            raw = gzip.open(p).read() if name.endswith(".gz") else p.read_bytes()
            dims = raw[3]
            shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
            return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    raise SystemExit(f"{folder}: no {stem}[.gz]")


def load(folder, net):
    def split(prefix):
        x = read_idx(folder, f"{prefix}-images-idx3-ubyte").astype(np.float32) / 255.0
        y = read_idx(folder, f"{prefix}-labels-idx1-ubyte").astype(np.int64)
        if net == "n4":
            keep = y <= 2
            x, y = x[keep], y[keep]
        return torch.from_numpy(x.copy()).view(-1, 1, 28, 28), torch.from_numpy(y.copy())
    return split("train"), split("t10k")


def torch_latency_us(model, x):
    model.eval()
    with torch.inference_mode():
        for i in range(300):
            model(x[i % len(x)].unsqueeze(0))
        blocks = []
        for _ in range(15):
            t0 = time.perf_counter()
            for i in range(100):
                model(x[i % len(x)].unsqueeze(0))
            blocks.append((time.perf_counter() - t0) / 100 * 1e6)
    return statistics.median(blocks)


def torch_epoch(model, train, test, lr, batch, seed):
    x, y = train
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(seed))
    steps = len(y) // batch
    t0 = time.perf_counter()
    for s in range(steps):
        idx = order[s * batch:(s + 1) * batch]
        opt.zero_grad(set_to_none=True)
        nn.functional.cross_entropy(model(x[idx]), y[idx]).backward()
        opt.step()
    seconds = time.perf_counter() - t0
    model.eval()
    with torch.inference_mode():
        correct = sum(int((model(test[0][i:i + 1000]).argmax(1) == test[1][i:i + 1000]).sum())
                      for i in range(0, len(test[1]), 1000))
    return steps * batch / seconds, correct / len(test[1])


def compare(peer, net, data, threads):
    folder = Path(data) / NETS[net][1]
    lr = NETS[net][2]
    with tempfile.TemporaryDirectory() as d:
        init = Path(d) / "init.bin"
        out = subprocess.run([peer, "train", "--net", net, "--data", str(folder), "--threads",
                              str(threads), "--lr", str(lr), "--init-out", str(init)],
                             check=True, capture_output=True, text=True).stdout
        mine = json.loads(out.strip().splitlines()[-1])
        flat = read_f32(init)
    torch.set_num_threads(threads)
    train, test = load(folder, net)
    model = build(net)
    load_flat(model, flat)
    latency = torch_latency_us(model, test[0])
    load_flat(model, flat)
    ips, accuracy = torch_epoch(model, train, test, lr, 128, 1)
    return {"ctnn_ips": mine["images_per_second"], "torch_ips": ips,
            "ctnn_latency_us": mine["latency_us"], "ctnn_folded_us": mine["latency_folded_us"],
            "torch_latency_us": latency,
            "ctnn_accuracy": mine["test_accuracy"], "torch_accuracy": accuracy}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peer", required=True, help="the ctnn_peer executable")
    ap.add_argument("--data", help="folder holding mnist/ and fashion-mnist/")
    ap.add_argument("--nets", default="n1,n2,n3,n4")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--agree-only", action="store_true")
    ap.add_argument("--tolerance", type=float, default=1e-4)
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--lr-skew", type=float, default=1.0,
                    help="scale PyTorch's learning rate in the agreement check (to see it fail)")
    a = ap.parse_args()
    if not os.access(a.peer, os.X_OK):
        raise SystemExit(f"--peer {a.peer}: not an executable; build the ctnn_peer target")
    nets = a.nets.split(",")
    for n in nets:
        if n not in NETS:
            raise SystemExit(f"--nets: unknown network {n!r} (n1, n2, n3, n4)")
    torch.manual_seed(0)
    print(f"PyTorch {torch.__version__}, ctnn peer {a.peer}")

    failed = False
    agreement = {}
    print("\nAgreement after one training step from identical weights "
          f"(max |ctnn - torch| / max |torch| per tensor; bar {a.tolerance:g})")
    print(f"{'network':<26}{'gradient':>10}{'SGD step':>10}{'Adam step':>11}  result")
    for n in nets:
        r = agree(a.peer, n, a.tolerance, a.lr_skew)
        agreement[n] = r
        failed |= not r["ok"]
        print(f"{NETS[n][0]:<26}{r['grad']:>10.2e}{r['sgd']:>10.2e}{r['adam']:>11.2e}  "
              f"{'ok' if r['ok'] else 'FAIL'}")
        if r["noise_tensors"]:
            print(f"{'':<26}noise-only gradients, left out: {', '.join(r['noise_tensors'])}")
        if r["adam_left_out"]:
            print(f"{'':<26}{r['adam_left_out']} noise-level gradients left out of the Adam check")
    results = {"agreement": agreement, "runs": []}
    if not a.agree_only:
        if not a.data:
            raise SystemExit("--data is needed for the speed comparison")
        print("\nOne epoch, batch 128, Adam, same initial weights; latency is batch-1 inference"
              " (ctnn: the initial model, as defined and folded by fold_for_inference; PyTorch: eager"
              " module in eval mode; ratio: PyTorch against ctnn folded)")
        print(f"{'network':<26}{'thr':>4}{'ctnn img/s':>12}{'torch img/s':>12}{'ratio':>7}"
              f"{'ctnn us':>9}{'folded':>8}{'torch us':>10}{'ratio':>7}{'ctnn acc':>10}"
              f"{'torch acc':>10}")
        for n in nets:
            for t in (int(v) for v in a.threads.split(",")):
                r = compare(a.peer, n, a.data, t)
                r.update(net=n, threads=t)
                results["runs"].append(r)
                print(f"{NETS[n][0]:<26}{t:>4}{r['ctnn_ips']:>12.0f}{r['torch_ips']:>12.0f}"
                      f"{r['ctnn_ips'] / r['torch_ips']:>7.1f}{r['ctnn_latency_us']:>9.1f}"
                      f"{r['ctnn_folded_us']:>8.1f}{r['torch_latency_us']:>10.1f}"
                      f"{r['torch_latency_us'] / r['ctnn_folded_us']:>7.1f}"
                      f"{r['ctnn_accuracy']:>10.4f}{r['torch_accuracy']:>10.4f}", flush=True)
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=1))
    if failed:
        print("FAIL: ctnn and PyTorch disagree after one step", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
