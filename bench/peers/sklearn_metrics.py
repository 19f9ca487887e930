#!/usr/bin/python3
"""scikit-learn peer of bench/metrics.ts: times sklearn.metrics on the benchmark's data.

Run by bench/metrics.ts as
  /usr/bin/python3 bench/peers/sklearn_metrics.py DIR N POLICY_JSON
DIR holds the inputs as raw little-endian files written by bench/metrics.ts (the same data tessera
gets): y_bin.i32, score_bin.f32, y_mc.i32, pred_mc.i32, prob_mc.f32 (N, 10), y_reg.f32, pred_reg.f32.
Prints one JSON object: versions, and per case {perCallMs, inner, fromWarmup, value}. Arrays are
passed as loaded (float32 stays float32, as a user's would). Timing mirrors `measure` in
bench/harness.ts (and bench/peers/torch.py); keep them in step.
"""
import json
import os
import sys

import numpy as np
import sklearn
from sklearn import metrics as M
from timing import measure  # bench/peers/timing.py, shared with torch.py


def main():
    folder, n, policy = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
    only = set(sys.argv[4].split(",")) if len(sys.argv) > 4 and sys.argv[4] else None

    def load(name, dtype, shape=None):
        a = np.fromfile(os.path.join(folder, name), dtype=dtype)
        return a.reshape(shape) if shape else a

    y_bin = load("y_bin.i32", "<i4")
    score_bin = load("score_bin.f32", "<f4")
    y_mc = load("y_mc.i32", "<i4")
    pred_mc = load("pred_mc.i32", "<i4")
    prob_mc = load("prob_mc.f32", "<f4", (n, -1))
    y_reg = load("y_reg.f32", "<f4")
    pred_reg = load("pred_reg.f32", "<f4")
    labels = np.arange(prob_mc.shape[1])

    cases = {
        "accuracy": lambda: M.accuracy_score(y_mc, pred_mc),
        "f1_macro": lambda: M.f1_score(y_mc, pred_mc, average="macro"),
        "confusion_matrix": lambda: M.confusion_matrix(y_mc, pred_mc),
        "roc_auc": lambda: M.roc_auc_score(y_bin, score_bin),
        "average_precision": lambda: M.average_precision_score(y_bin, score_bin),
        "log_loss": lambda: M.log_loss(y_mc, prob_mc, labels=labels),
        "mse": lambda: M.mean_squared_error(y_reg, pred_reg),
        "r2": lambda: M.r2_score(y_reg, pred_reg),
    }
    out = {"sklearn": sklearn.__version__, "numpy": np.__version__, "python": sys.version.split()[0], "cases": {}}
    for name, fn in cases.items():
        if only is not None and name not in only:
            continue
        value = fn()
        per_call, inner, from_warmup = measure(fn, policy)
        # a scalar, or a checksum of the confusion matrix (the sum of (i + 1) * (j + 1) * count)
        if np.ndim(value) == 2:
            k = value.shape[0]
            value = float(np.sum(value * np.outer(np.arange(1, k + 1), np.arange(1, k + 1))))
        out["cases"][name] = {"perCallMs": per_call, "inner": inner, "fromWarmup": from_warmup, "value": float(value)}
        print(f"sklearn {name}: {sorted(per_call)[len(per_call) >> 1]:.2f} ms", file=sys.stderr, flush=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
