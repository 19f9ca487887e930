#!/usr/bin/env python3
"""Run: /usr/bin/python3 bench/peers/torch_train.py --model=mlp --epochs=15

PyTorch's side of bench/fashion_mnist.ts: the same model (bench/peers/torch_training.py), data,
normalisation, batch size, Adam and cosine schedule, on the same number of threads, reporting per
epoch the test accuracy, the wall time of the training steps and the peak RSS. Batches are gathered
by indexing the whole tensors with a shuffled permutation, as tessera's DataLoader does over a
TensorDataset (torch.utils.data.DataLoader would add its per-sample collation to PyTorch's time).

Flags: --model=mlp|cnn (mlp); --epochs=N (15); --batch=N (mlp 128, cnn 64); --lr=X (1e-3);
--schedule=cosine|constant (cosine); --seed=N (0); --threads=N (2); --data=DIR
(/usr/share/datasets/fashion-mnist); --out=FILE (bench/results/fashion-mnist-<model>-torch.json).
"""
import argparse
import gzip
import json
import os
import platform
import resource
import sys
import time

# This folder holds torch.py: keep it off the import path, or `import torch` finds that file.
_HERE = os.path.dirname(os.path.realpath(__file__))
sys.path[:] = [p for p in sys.path if os.path.realpath(p or os.getcwd()) != _HERE]

# PyTorch at its best on these 2-core machines: OpenMP's threads must not spin-wait beside
# OpenBLAS's (measured: an MLP step 3-4x slower with spinning). libgomp reads this at load, so it is
# set before `import torch`; an explicit GOMP_SPINCOUNT in the environment wins.
os.environ.setdefault("GOMP_SPINCOUNT", "0")

import importlib.util  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

_spec = importlib.util.spec_from_file_location("torch_training", os.path.join(_HERE, "torch_training.py"))
torch_training = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(torch_training)


def read_idx(path):
    """An IDX file (.gz or not) as a numpy array."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find(folder, stem):
    for name in (f"{stem}.gz", stem):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    raise FileNotFoundError(f"torch_train: {stem}(.gz) not found in {folder}")


def load(folder, flatten):
    """(x_train, y_train, x_test, y_test): float32 images in [0, 1], int64 labels."""
    out = []
    for split in ("train", "t10k"):
        images = read_idx(find(folder, f"{split}-images-idx3-ubyte")).astype(np.float32) / 255.0
        labels = read_idx(find(folder, f"{split}-labels-idx1-ubyte")).astype(np.int64)
        x = torch.from_numpy(images.reshape(len(images), 784) if flatten else images.reshape(len(images), 1, 28, 28))
        out += [x, torch.from_numpy(labels)]
    return out


def evaluate(model, x, y):
    model.eval()
    correct, loss_sum = 0, 0.0
    with torch.inference_mode():
        for i in range(0, len(x), 1000):
            logits = model(x[i:i + 1000])
            loss_sum += float(F.cross_entropy(logits, y[i:i + 1000])) * len(logits)
            correct += int((logits.argmax(1) == y[i:i + 1000]).sum())
    model.train()
    return loss_sum / len(x), correct / len(x)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    ap.add_argument("--model", choices=["mlp", "cnn", "cnn-bn"], default="mlp")
    ap.add_argument("--epochs", type=int, default=15)
    ap.add_argument("--batch", type=int)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--schedule", choices=["cosine", "constant"], default="cosine")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--out")
    o = ap.parse_args()
    batch = o.batch or (128 if o.model == "mlp" else 64)
    out = o.out or os.path.join(_HERE, "..", "results", f"fashion-mnist-{o.model}-torch.json")
    torch.set_num_threads(o.threads)
    torch.manual_seed(o.seed)

    x_train, y_train, x_test, y_test = load(o.data, flatten=o.model == "mlp")
    mean, std = float(x_train.mean()), float(x_train.std())
    x_train = (x_train - mean) / std
    x_test = (x_test - mean) / std

    if o.model == "cnn-bn":  # the CNN widened for accuracy, as buildCnnBn in bench/fashion_mnist.ts
        model = torch.nn.Sequential(
            torch.nn.Conv2d(1, 32, 3, padding=1), torch.nn.BatchNorm2d(32), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(32, 64, 3, padding=1), torch.nn.BatchNorm2d(64), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Flatten(), torch.nn.Dropout(0.3), torch.nn.Linear(3136, 128), torch.nn.ReLU(), torch.nn.Dropout(0.3),
            torch.nn.Linear(128, 10))
    else:
        model = torch_training.build_model(o.model)
    opt = torch.optim.Adam(model.parameters(), lr=o.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=o.epochs) if o.schedule == "cosine" else None
    meta = {
        "tool": "bench/peers/torch_train.py", "framework": "pytorch", "torch": torch.__version__, "python": platform.python_version(),
        "model": o.model, "architecture": str(model), "parameters": sum(p.numel() for p in model.parameters()),
        "options": {**vars(o), "batch": batch}, "threads": torch.get_num_threads(), "GOMP_SPINCOUNT": os.environ.get("GOMP_SPINCOUNT"),
        "normalisation": {"mean": round(mean, 5), "std": round(std, 5)}, "loadAverageAtStart": [round(v, 2) for v in os.getloadavg()],
        "loop": "for idx in randperm(n).split(batch): opt.zero_grad(set_to_none=True); loss = F.cross_entropy(model(x[idx]), y[idx]); "
                "loss.backward(); opt.step(); loss_sum += loss.item()",
    }
    print(f"fashion-mnist {o.model} (PyTorch {torch.__version__}, {torch.get_num_threads()} threads): {meta['parameters']} parameters, "
          f"batch {batch}, Adam lr {o.lr} ({o.schedule}), {o.epochs} epochs", flush=True)
    print("epoch  train loss  test loss  test acc  train s  eval s  samples/s  maxRSS MiB", flush=True)
    gen = torch.Generator().manual_seed(o.seed)
    epochs = []
    for epoch in range(1, o.epochs + 1):
        lr = opt.param_groups[0]["lr"]
        t0 = time.perf_counter()
        loss_sum, batches = 0.0, 0
        model.train()
        for idx in torch.randperm(len(x_train), generator=gen).split(batch):
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x_train[idx]), y_train[idx])
            loss.backward()
            opt.step()
            loss_sum += loss.item()
            batches += 1
        train_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        test_loss, test_acc = evaluate(model, x_test, y_test)
        eval_s = time.perf_counter() - t1
        if sched is not None:
            sched.step()
        rec = {
            "epoch": epoch, "trainLoss": round(loss_sum / batches, 4), "testLoss": round(test_loss, 4), "testAccuracy": round(test_acc, 4),
            "trainSeconds": round(train_s, 2), "evalSeconds": round(eval_s, 2), "samplesPerSecond": round(len(x_train) / train_s),
            "maxRssMiB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1), "lr": round(lr, 7),
        }
        epochs.append(rec)
        best = max(epochs, key=lambda e: e["testAccuracy"])
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "w") as f:
            summary = {"bestTestAccuracy": best["testAccuracy"], "bestEpoch": best["epoch"], "finalTestAccuracy": rec["testAccuracy"]}
            json.dump({**meta, "loadAverageNow": [round(v, 2) for v in os.getloadavg()], "summary": summary, "epochs": epochs}, f, indent=2)
            f.write("\n")
        print(f"{epoch:5d}  {rec['trainLoss']:10.4f}  {rec['testLoss']:9.4f}  {100 * test_acc:7.2f}%  {train_s:7.1f}  {eval_s:6.1f}  "
              f"{rec['samplesPerSecond']:9d}  {rec['maxRssMiB']:10.0f}", flush=True)
    print(f"wrote {os.path.realpath(out)}")


if __name__ == "__main__":
    main()
