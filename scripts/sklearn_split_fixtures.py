#!/usr/bin/env python3
"""scikit-learn parity fixtures for tessera's splitters and bootstrap: writes test/fixtures/sklearn/splits.json.

Run:  /usr/bin/python3 scripts/sklearn_split_fixtures.py      (needs scikit-learn and numpy)

test/sklearn_splits.test.ts replays every case. Deterministic splits (KFold and StratifiedKFold
unshuffled, GroupKFold, TimeSeriesSplit) are compared fold by fold, exactly. Shuffled splits use
numpy's generator, which tessera does not reproduce, so for train_test_split / StratifiedShuffleSplit
the fixture holds the per-class counts instead: every outcome scikit-learn produced over 200 seeds
(more than one only when classes tie in the allocation, which is then broken at random). The .632
and .632+ bootstrap estimates are computed here in numpy straight from Efron & Tibshirani (1997),
for fixed in-bag sets and predictions exported with them, as an independent check of the TypeScript.

Format:  {"generator": ..., "sklearn": ..., "numpy": ..., "cases": [case, ...]}
  {"kind": "KFold" | "StratifiedKFold" | "GroupKFold" | "TimeSeriesSplit", "name": str,
   "n": int, "y"?: [label], "groups"?: [id], "options": {tessera option names},
   "folds": [{"train": [...], "test": [...]}] | "error": str}
  {"kind": "argsort", "name": str, "values": [int], "order": [int]}          # np.argsort(values)
  {"kind": "splitSizes", "n": int, "testSize"?: num, "trainSize"?: num,
   "nTrain": int, "nTest": int | "error": str}                               # _validate_shuffle_split
  {"kind": "stratifiedCounts", "name": str, "y": [label], "testSize"?: num, "trainSize"?: num,
   "classes": [label], "outcomes": [{"train": [count per class], "test": [...]}]}
  {"kind": "bootstrap632", "name": str, "loss": "zeroOne" | "squared" | "logLoss", "y": [num],
   "apparent": [pred per row], "resamples": [{"inBag": [int], "pred": [pred per row]}],
   "expected": {"apparent", "outOfBag", "gamma", "relativeOverfitting", "weight", "e632", "e632plus"}}
"""

import json
import os
import sys
import warnings
from pathlib import Path

try:
    import numpy as np
    import sklearn
    from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, StratifiedShuffleSplit, TimeSeriesSplit
    from sklearn.model_selection._split import _validate_shuffle_split
except ImportError:
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    raise

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "sklearn" / "splits.json"
rng = np.random.default_rng(20240601)


def as_list(a):
    return [x.item() if hasattr(x, "item") else x for x in a]


def folds_of(splitter, X, y=None, groups=None):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return {"folds": [{"train": as_list(tr), "test": as_list(te)} for tr, te in splitter.split(X, y, groups)]}
    except ValueError as e:
        return {"error": str(e)}


cases = []

# KFold, unshuffled: n divisible and not by k
for n, k in [(10, 5), (10, 3), (7, 2), (5, 5), (23, 4), (3, 4)]:
    cases.append({"kind": "KFold", "name": f"n={n},k={k}", "n": n, "options": {"nSplits": k},
                  **folds_of(KFold(n_splits=k), np.zeros(n))})

# StratifiedKFold, unshuffled
imbalanced = [0] * 10 + [1] * 5 + [2] * 3
rng.shuffle(imbalanced)
names = ["dog", "cat", "bird"]
strat = {
    "imbalanced3": imbalanced,
    "binary_runs": [1, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0],
    "strings_appearance_order": [names[i] for i in rng.integers(0, 3, 25)],
    "strings_rare": ["b"] * 9 + ["a"] * 2 + ["c"] * 6,
    "negative_ints": [int(v) for v in rng.choice([-3, 7, 2], size=30, p=[0.5, 0.3, 0.2])],
}
for name, y in strat.items():
    for k in [2, 3, 5]:
        cases.append({"kind": "StratifiedKFold", "name": f"{name},k={k}", "n": len(y), "y": y, "options": {"nSplits": k},
                      **folds_of(StratifiedKFold(n_splits=k), np.zeros(len(y)), y)})
warn_y = [0, 0, 0, 1, 0, 0, 1, 0, 0]
cases.append({"kind": "StratifiedKFold", "name": "a class smaller than k (warns)", "n": 9, "y": warn_y,
              "options": {"nSplits": 3}, **folds_of(StratifiedKFold(n_splits=3), np.zeros(9), warn_y)})
cases.append({"kind": "StratifiedKFold", "name": "all classes too small", "n": 6, "y": [0, 0, 1, 1, 2, 2],
              "options": {"nSplits": 4}, **folds_of(StratifiedKFold(n_splits=4), np.zeros(6), [0, 0, 1, 1, 2, 2])})

# GroupKFold: unequal sizes, string ids, many groups with tied sizes (numpy's unstable argsort orders ties)
group_cases = {
    "unequal": [0] * 7 + [1] * 3 + [2] * 5 + [3] * 1 + [4] * 4 + [5] * 2,
    "strings": ["p3", "p1", "p1", "p2", "p3", "p3", "p4", "p2", "p1", "p5", "p5", "p3"],
    "ties_small": [g for g, size in enumerate([2, 3, 2, 3, 1, 2, 3, 1]) for _ in range(size)],
    "ties_40_groups": [int(g) for g in np.repeat(np.arange(40), rng.integers(1, 4, 40))],
    "ties_200_groups_shuffled": [int(g) for g in rng.permutation(np.repeat(rng.permutation(200) * 3 + 1, rng.integers(1, 6, 200)))],
}
for name, groups in group_cases.items():
    for k in [2, 3, 5]:
        n = len(groups)
        cases.append({"kind": "GroupKFold", "name": f"{name},k={k}", "n": n, "groups": groups, "options": {"nSplits": k},
                      **folds_of(GroupKFold(n_splits=k), np.zeros(n), None, groups)})
cases.append({"kind": "GroupKFold", "name": "more folds than groups", "n": 5, "groups": [1, 1, 2, 2, 3],
              "options": {"nSplits": 4}, **folds_of(GroupKFold(n_splits=4), np.zeros(5), None, [1, 1, 2, 2, 3])})

# TimeSeriesSplit
for n, opts in [
    (12, {"nSplits": 3}),
    (13, {"nSplits": 4}),
    (20, {"nSplits": 3, "gap": 2}),
    (20, {"nSplits": 4, "maxTrainSize": 5}),
    (30, {"nSplits": 5, "testSize": 3, "gap": 1, "maxTrainSize": 10}),
    (10, {"nSplits": 2, "testSize": 4}),
    (10, {"nSplits": 3, "testSize": 3, "gap": 2}),  # too many splits: error
    (4, {"nSplits": 4}),  # more folds than samples: error
]:
    tss = TimeSeriesSplit(n_splits=opts["nSplits"], max_train_size=opts.get("maxTrainSize"),
                          test_size=opts.get("testSize"), gap=opts.get("gap", 0))
    cases.append({"kind": "TimeSeriesSplit", "name": f"n={n},{opts}", "n": n, "options": opts, **folds_of(tss, np.zeros(n))})

# numpy's argsort, for GroupKFold's tie order
for name, values in {
    "small_ties": [3, 1, 3, 2, 1, 3],
    "16": [int(v) for v in rng.integers(0, 3, 16)],
    "17": [int(v) for v in rng.integers(0, 3, 17)],
    "100_ties": [int(v) for v in rng.integers(0, 5, 100)],
    "1000_ties": [int(v) for v in rng.integers(0, 20, 1000)],
    "all_equal_50": [7] * 50,
    "organ_pipe_301": list(range(150)) + list(range(150, -1, -1)),
    "sawtooth_500": [i % 7 for i in range(500)],
    "descending_64": list(range(64, 0, -1)),
    # inputs with ties that drive the introsort into its heapsort fallback (made with McIlroy's
    # "killer adversary for quicksort" against tessera's port, then coarsened to create ties)
    "heapsort_fallback_a": [0, 28, 1, 28, 2, 27, 3, 27, 4, 26, 5, 26, 6, 25, 7, 25, 8, 24, 9, 24, 10, 23, 11, 23, 12, 13, 31, 30,
                            31, 30, 29, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 22, 22, 21, 21, 20, 20, 19, 19, 18, 18, 17, 17,
                            16, 16, 15, 15, 14, 14, 29, 13],
    "heapsort_fallback_b": [0, 36, 2, 36, 4, 35, 6, 35, 8, 35, 10, 34, 12, 34, 14, 34, 16, 33, 18, 33, 20, 33, 22, 32, 24, 26, 38,
                            37, 38, 37, 37, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 32, 32, 31, 31, 31, 30, 30, 30, 29, 29,
                            29, 28, 28, 28, 27, 27, 27, 26, 36, 26],
}.items():
    cases.append({"kind": "argsort", "name": name, "values": values, "order": as_list(np.argsort(np.array(values, dtype=np.int64)))})

# split sizes (_validate_shuffle_split): fractions are floats in (0, 1), counts are ints
for n, test, train in [(10, 0.25, None), (10, None, 0.25), (10, 3, None), (10, None, 3), (10, 0.3, 0.5), (10, 2, 5),
                       (7, 0.5, None), (7, None, 0.5), (101, 0.1, None), (10, 0.6, 0.6), (10, 6, 6), (10, 10, None),
                       (10, 0.01, 0.99), (3, 0.9, None), (10, None, None)]:
    case = {"kind": "splitSizes", "n": n}
    if test is not None:
        case["testSize"] = test
    if train is not None:
        case["trainSize"] = train
    try:
        n_train, n_test = _validate_shuffle_split(n, test, train, default_test_size=0.25)
        case.update(nTrain=int(n_train), nTest=int(n_test))
    except ValueError as e:
        case["error"] = str(e)
    cases.append(case)

# stratified train/test counts per class: every outcome over 200 seeds
strat_sizes = {
    "imbalanced3,0.25": (imbalanced, 0.25, None),
    "strings,0.3": (strat["strings_appearance_order"], 0.3, None),
    "ties,5": ([0] * 6 + [1] * 6 + [2] * 6 + [3] * 2, 5, None),
    "train_and_test,0.4/0.4": ([0] * 11 + [1] * 7 + [2] * 4, 0.4, 0.4),
    "binary_99_1": ([0] * 99 + [1] * 2, 0.2, None),
}
for name, (y, test, train) in strat_sizes.items():
    y_arr = np.array(y)
    classes = np.unique(y_arr)
    outcomes = set()
    for seed in range(200):
        tr, te = next(StratifiedShuffleSplit(n_splits=1, test_size=test, train_size=train, random_state=seed).split(np.zeros(len(y)), y_arr))
        outcomes.add((tuple(int((y_arr[tr] == c).sum()) for c in classes), tuple(int((y_arr[te] == c).sum()) for c in classes)))
    case = {"kind": "stratifiedCounts", "name": name, "y": y, "classes": as_list(classes),
            "outcomes": [{"train": list(a), "test": list(b)} for a, b in sorted(outcomes)]}
    if test is not None:
        case["testSize"] = test
    if train is not None:
        case["trainSize"] = train
    cases.append(case)


# .632 and .632+ (Efron & Tibshirani 1997, JASA 92:548-560), from the paper's formulas
def point_losses(loss, y, pred):
    """Q[y_i, prediction_i] for aligned y (n,) and predictions (n,) or (n, C)."""
    if loss == "zeroOne":
        return (y != pred).astype(float)
    if loss == "squared":
        return (y - pred) ** 2
    p = np.clip(pred, 1e-15, 1 - 1e-15)  # binary log loss, pred = P(y = 1)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def efron_632(loss, y, apparent, in_bags, preds):
    n = len(y)
    err_bar = point_losses(loss, y, apparent).mean()  # apparent (resubstitution) error
    # Err(1): for each i, the mean loss over the resamples that left i out, averaged over those i left out at least once
    total = np.zeros(n)
    count = np.zeros(n)
    for in_bag, pred in zip(in_bags, preds):
        out = np.ones(n, bool)
        out[in_bag] = False
        total[out] += point_losses(loss, y[out], pred[out])
        count[out] += 1
    seen = count > 0
    err1 = (total[seen] / count[seen]).mean()
    err632 = 0.368 * err_bar + 0.632 * err1
    # gamma: no-information error, Q over all n^2 pairs (y_i, prediction_j) of the full-data rule
    if loss == "zeroOne":
        labels = np.unique(np.concatenate([y, apparent]))
        p = np.array([(y == c).mean() for c in labels])
        q = np.array([(apparent == c).mean() for c in labels])
        gamma = float((p * (1 - q)).sum())  # the paper's (27)
    else:
        gamma = float(point_losses(loss, np.repeat(y, n), np.tile(apparent, n)).mean())
    err1_c = min(err1, gamma)
    r_c = (err1_c - err_bar) / (gamma - err_bar) if (err1 > err_bar and gamma > err_bar) else 0.0
    w = 0.632 / (1 - 0.368 * r_c)
    err632plus = err632 + (err1_c - err_bar) * (0.368 * 0.632 * r_c) / (1 - 0.368 * r_c)
    return {"apparent": float(err_bar), "outOfBag": float(err1), "e632": float(err632), "gamma": gamma,
            "relativeOverfitting": float(r_c), "weight": float(w), "e632plus": float(err632plus)}


def bootstrap_case(name, loss, y, apparent, make_pred, n_resamples):
    n = len(y)
    in_bags, preds = [], []
    for _ in range(n_resamples):
        in_bags.append(np.sort(rng.integers(0, n, n)))
        preds.append(make_pred())
    cases.append({"kind": "bootstrap632", "name": name, "loss": loss, "y": as_list(y), "apparent": as_list(apparent),
                  "resamples": [{"inBag": as_list(b), "pred": as_list(p)} for b, p in zip(in_bags, preds)],
                  "expected": efron_632(loss, y, apparent, in_bags, preds)})


def noisy_labels(y, accuracy, k):
    flip = rng.random(len(y)) > accuracy
    return np.where(flip, rng.integers(0, k, len(y)), y)


y3 = rng.integers(0, 3, 40)
bootstrap_case("zeroOne overfit", "zeroOne", y3, noisy_labels(y3, 0.95, 3), lambda: noisy_labels(y3, 0.55, 3), 25)
y2 = rng.integers(0, 2, 30)
bootstrap_case("zeroOne worse than chance: Err1 clamped to gamma", "zeroOne", y2, noisy_labels(y2, 0.9, 2),
               lambda: 1 - noisy_labels(y2, 0.8, 2), 20)
bootstrap_case("zeroOne no overfitting: R = 0", "zeroOne", y3, noisy_labels(y3, 0.5, 3), lambda: noisy_labels(y3, 0.9, 3), 15)
xr = rng.normal(size=35)
yr = 2 * xr + rng.normal(scale=0.5, size=35)
bootstrap_case("squared regression", "squared", yr, 2 * xr + rng.normal(scale=0.2, size=35),
               lambda: 2 * xr + rng.normal(scale=0.7, size=35), 30)
pb = 1 / (1 + np.exp(-(3 * (y2 - 0.5) + rng.normal(size=30))))
bootstrap_case("binary log loss", "logLoss", y2.astype(float), pb,
               lambda: 1 / (1 + np.exp(-(1.5 * (y2 - 0.5) + rng.normal(scale=1.5, size=30)))), 20)

OUT.parent.mkdir(parents=True, exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"generator": "scripts/sklearn_split_fixtures.py", "sklearn": sklearn.__version__, "numpy": np.__version__,
               "cases": cases}, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(cases)} cases to {OUT.relative_to(Path.cwd()) if OUT.is_relative_to(Path.cwd()) else OUT}")
