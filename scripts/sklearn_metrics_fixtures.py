#!/usr/bin/python3
"""Writes test/fixtures/sklearn/metrics.json: scikit-learn's values for tessera's metrics.

Run: /usr/bin/python3 scripts/sklearn_metrics_fixtures.py   (scikit-learn 1.2.1, numpy; fixed seed)

Each case names the tessera function (`fn`), its positional inputs (`args`), its options in
tessera's camelCase (`options`) and scikit-learn's result (`expected`). test/sklearn_metrics.test.ts
replays every case without Python and compares within 1e-10. Non-finite numbers are written as
the strings "NaN", "Infinity" and "-Infinity" (JSON has no literal for them). Inputs longer than
8 values are stored once in `arrays` and referenced as {"ref": "a12"}.
"""
import json
import math
import os
import warnings

import numpy as np
import sklearn
from sklearn import metrics as M

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "sklearn", "metrics.json")
rng = np.random.default_rng(20240604)
cases = []
arrays = {}  # json text -> id, for inputs shared between cases

# tessera option name -> scikit-learn keyword
PY_NAMES = {
    "posLabel": "pos_label", "sampleWeight": "sample_weight", "zeroDivision": "zero_division",
    "maxFpr": "max_fpr", "multiClass": "multi_class", "dropIntermediate": "drop_intermediate",
    "forceFinite": "force_finite", "targetNames": "target_names",
}


def plain(x):
    """JSON-ready: arrays to lists, numpy scalars to Python, non-finite floats to strings."""
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, np.ndarray)):
        return [plain(v) for v in x]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        v = float(x)
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return v
    return x


def py_options(options):
    out = {}
    for k, v in options.items():
        if k in ("average", "multioutput") and v is None:
            out[k] = None
        else:
            out[PY_NAMES.get(k, k)] = np.asarray(v) if isinstance(v, list) and k != "targetNames" else v
    return out


def intern(x):
    """Long lists (inputs) stored once: replaced by {"ref": id}."""
    if isinstance(x, dict):
        return {k: intern(v) for k, v in x.items()}
    if isinstance(x, list) and len(x) > 8:
        key = json.dumps(x, separators=(",", ":"))
        ref = arrays.setdefault(key, f"a{len(arrays)}")
        return {"ref": ref}
    if isinstance(x, list):
        return [intern(v) for v in x]
    return x


def add(name, fn, args, options, expected):
    args, options = intern(plain(args)), intern(plain(options))
    cases.append({"name": name, "fn": fn, "args": args, "options": options, "expected": plain(expected)})


def labels(n, k, p=None):
    return rng.choice(k, size=n, p=p)


def noisy(y, k, keep=0.6):
    """Predictions that equal y with probability `keep`, else a random class."""
    return np.where(rng.random(len(y)) < keep, y, rng.integers(0, k, len(y)))


def weights(n):
    return np.round(rng.uniform(0.1, 3.0, n), 3)


# ---- label metrics --------------------------------------------------------------------------

yb = labels(60, 2)
pb = noisy(yb, 2)
ym = labels(80, 4)
pm = noisy(ym, 4)
pm_absent = np.where(pm == 3, 0, pm)  # class 3 never predicted
ym_absent = np.where(ym == 2, 1, ym)  # class 2 never true (but predicted)
wb = weights(60)
wm = weights(80)
all_one = np.ones(12, dtype=int)
all_zero = np.zeros(12, dtype=int)
ypm1 = np.where(yb == 1, 1, -1)
ppm1 = np.where(pb == 1, 1, -1)
y37 = np.where(yb == 1, 7, 3)
p37 = np.where(pb == 1, 7, 3)

label_sets = {
    "binary": (yb, pb, wb),
    "multiclass": (ym, pm, wm),
    "absent-pred": (ym, pm_absent, wm),
    "absent-true": (ym_absent, pm, wm),
}

for tag, (y, p, w) in label_sets.items():
    add(f"accuracy/{tag}", "accuracy", [y, p], {}, M.accuracy_score(y, p))
    add(f"accuracy/{tag}/count", "accuracy", [y, p], {"normalize": False}, M.accuracy_score(y, p, normalize=False))
    add(f"accuracy/{tag}/weighted", "accuracy", [y, p], {"sampleWeight": w}, M.accuracy_score(y, p, sample_weight=w))
    add(f"accuracy/{tag}/weighted-count", "accuracy", [y, p], {"sampleWeight": w, "normalize": False},
        M.accuracy_score(y, p, sample_weight=w, normalize=False))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for adjusted in (False, True):
            for sw in (None, w):
                opts = {"adjusted": adjusted} | ({} if sw is None else {"sampleWeight": sw})
                add(f"balancedAccuracy/{tag}/adjusted={adjusted}/weighted={sw is not None}", "balancedAccuracy", [y, p], opts,
                    M.balanced_accuracy_score(y, p, adjusted=adjusted, sample_weight=sw))
    add(f"matthewsCorrcoef/{tag}", "matthewsCorrcoef", [y, p], {}, M.matthews_corrcoef(y, p))
    add(f"matthewsCorrcoef/{tag}/weighted", "matthewsCorrcoef", [y, p], {"sampleWeight": w}, M.matthews_corrcoef(y, p, sample_weight=w))
    for kw in (None, "linear", "quadratic"):
        opts = {} if kw is None else {"weights": kw}
        add(f"cohenKappa/{tag}/{kw}", "cohenKappa", [y, p], opts, M.cohen_kappa_score(y, p, weights=kw))
    add(f"cohenKappa/{tag}/sample-weighted", "cohenKappa", [y, p], {"sampleWeight": w}, M.cohen_kappa_score(y, p, sample_weight=w))

add("matthewsCorrcoef/one-class", "matthewsCorrcoef", [all_one, all_one], {}, M.matthews_corrcoef(all_one, all_one))
add("accuracy/pm1", "accuracy", [ypm1, ppm1], {}, M.accuracy_score(ypm1, ppm1))

# precision / recall / F: every average, zero_division, labels, pos_label, beta
prf_fns = {"precision": M.precision_score, "recall": M.recall_score, "f1": M.f1_score}
prf_sets = dict(label_sets) | {
    "all-one": (all_one, all_one, None),
    "all-zero": (all_zero, all_zero, None),
    "zero-vs-one": (all_zero, all_one, None),
    "pm1": (ypm1, ppm1, None),
}
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for tag, (y, p, w) in prf_sets.items():
        binary = len(np.union1d(y, p)) <= 2
        averages = (["binary"] if binary else []) + ["micro", "macro", "weighted", None]
        for average in averages:
            for zd in ("warn", 0, 1):
                for sws in ((None, w) if w is not None and zd == "warn" else (None,)):
                    opts = {"average": average, "zeroDivision": zd} | ({} if sws is None else {"sampleWeight": sws})
                    py = py_options(opts)
                    for fn, sk in prf_fns.items():
                        add(f"{fn}/{tag}/{average}/zd={zd}/w={sws is not None}", fn, [y, p], opts, sk(y, p, **py))
                    for beta in (0.5, 2.0, 0.0):
                        add(f"fBeta/{tag}/{average}/zd={zd}/beta={beta}/w={sws is not None}", "fBeta", [y, p], opts | {"beta": beta},
                            M.fbeta_score(y, p, beta=beta, **py))
    # labels: a subset, an order, a label absent from the data
    for lab in ([0, 1], [3, 1, 0], [1, 2, 5], [2]):
        for average in ("micro", "macro", "weighted", None):
            opts = {"average": average, "labels": lab}
            for fn, sk in prf_fns.items():
                add(f"{fn}/labels={lab}/{average}", fn, [ym, pm], opts, sk(ym, pm, labels=lab, average=average))
    add("f1/pos-label-7", "f1", [y37, p37], {"posLabel": 7}, M.f1_score(y37, p37, pos_label=7))
    add("precision/pos-label-0", "precision", [yb, pb], {"posLabel": 0}, M.precision_score(yb, pb, pos_label=0))
    add("recall/pm1-pos-minus1", "recall", [ypm1, ppm1], {"posLabel": -1}, M.recall_score(ypm1, ppm1, pos_label=-1))

    # confusion matrix
    for tag, (y, p, w) in label_sets.items():
        for norm in (None, "true", "pred", "all"):
            opts = {} if norm is None else {"normalize": norm}
            add(f"confusionMatrix/{tag}/{norm}", "confusionMatrix", [y, p], opts, M.confusion_matrix(y, p, normalize=norm))
            add(f"confusionMatrix/{tag}/{norm}/weighted", "confusionMatrix", [y, p], opts | {"sampleWeight": w},
                M.confusion_matrix(y, p, normalize=norm, sample_weight=w))
    for lab in ([3, 1, 0], [0, 1, 2, 3, 9], [2]):
        add(f"confusionMatrix/labels={lab}", "confusionMatrix", [ym, pm], {"labels": lab}, M.confusion_matrix(ym, pm, labels=lab))
    add("confusionMatrix/pm1", "confusionMatrix", [ypm1, ppm1], {}, M.confusion_matrix(ypm1, ppm1))


    # classification report: text and dict
    def report(name, y, p, opts):
        py = py_options(opts)
        text = M.classification_report(y, p, **py)
        d = M.classification_report(y, p, output_dict=True, **{k: v for k, v in py.items() if k != "digits"})
        add(name, "classificationReport", [y, p], opts, {"text": text, "dict": d})

    report("classificationReport/binary", yb, pb, {})
    report("classificationReport/multiclass", ym, pm, {})
    report("classificationReport/absent-pred/digits=4", ym, pm_absent, {"digits": 4})
    report("classificationReport/names", ym, pm, {"targetNames": ["cat", "dog", "a much longer name", "eel"]})
    report("classificationReport/labels-subset", ym, pm, {"labels": [0, 2]})
    report("classificationReport/weighted", ym, pm, {"sampleWeight": wm})
    report("classificationReport/zd=1", ym_absent, pm_absent, {"zeroDivision": 1})
    report("classificationReport/all-one", all_one, all_one, {})

# ---- log loss -------------------------------------------------------------------------------


def softmax_rows(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


pb_prob = rng.uniform(0, 1, 60)
pb_prob[:3] = [0.0, 1.0, 1.0]  # clipped
pm_prob = softmax_rows(rng.normal(0, 1.5, (80, 4)))
pm_prob[0] = [1.0, 0.0, 0.0, 0.0]
pm_unnorm = pm_prob * rng.uniform(0.9, 1.1, (80, 1))  # rows not summing to 1: renormalised

add("logLoss/binary", "logLoss", [yb, pb_prob], {}, M.log_loss(yb, pb_prob))
add("logLoss/binary/weighted", "logLoss", [yb, pb_prob], {"sampleWeight": wb}, M.log_loss(yb, pb_prob, sample_weight=wb))
add("logLoss/binary/sum", "logLoss", [yb, pb_prob], {"normalize": False}, M.log_loss(yb, pb_prob, normalize=False))
add("logLoss/binary/eps=1e-3", "logLoss", [yb, pb_prob], {"eps": 1e-3}, M.log_loss(yb, pb_prob, eps=1e-3))
add("logLoss/pm1", "logLoss", [ypm1, pb_prob], {"labels": [-1, 1]}, M.log_loss(ypm1, pb_prob))
add("logLoss/all-one/labels", "logLoss", [all_one, pb_prob[:12]], {}, M.log_loss(all_one, pb_prob[:12], labels=[0, 1]))
add("logLoss/multiclass", "logLoss", [ym, pm_prob], {}, M.log_loss(ym, pm_prob))
add("logLoss/multiclass/weighted", "logLoss", [ym, pm_prob], {"sampleWeight": wm}, M.log_loss(ym, pm_prob, sample_weight=wm))
add("logLoss/multiclass/unnormalised", "logLoss", [ym, pm_unnorm], {}, M.log_loss(ym, pm_unnorm))
add("logLoss/multiclass/absent-class", "logLoss", [ym_absent, pm_prob], {}, M.log_loss(ym_absent, pm_prob, labels=[0, 1, 2, 3]))
add("logLoss/multiclass/labels", "logLoss", [ym + 10, pm_prob], {"labels": [10, 11, 12, 13]}, M.log_loss(ym + 10, pm_prob))
add("logLoss/multiclass/eps=0.01", "logLoss", [ym, pm_prob], {"eps": 0.01}, M.log_loss(ym, pm_prob, eps=0.01))

# ---- ranking: curves and areas --------------------------------------------------------------

n = 200
yr = labels(n, 2, p=[0.7, 0.3])
score_cont = np.clip(rng.normal(0.35 + 0.3 * yr, 0.2), 0, 1)
score_ties = np.round(score_cont, 1)  # many ties
score_int = rng.integers(-3, 4, n).astype(float)  # negative, zero and few distinct values
wr = weights(n)
wr_zero = wr.copy()
wr_zero[::7] = 0.0  # zero weights are left out of curves
yr_pm1 = np.where(yr == 1, 1, -1)
yr5 = rng.choice([2, 5, 9], n)  # posLabel 5 among three labels
score_tiny = score_cont[:20]
y_tiny = yr[:20]

curve_sets = {
    "continuous": (yr, score_cont, {}),
    "ties": (yr, score_ties, {}),
    "integers": (yr, score_int, {}),
    "weighted": (yr, score_ties, {"sampleWeight": wr}),
    "zero-weights": (yr, score_ties, {"sampleWeight": wr_zero}),
    "pm1": (yr_pm1, score_cont, {}),
    "pos-label-5": (yr5, score_ties, {"posLabel": 5}),
    "constant-score": (yr, np.full(n, 0.5), {}),
    "small": (y_tiny, score_tiny, {}),
}
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for tag, (y, s, opts) in curve_sets.items():
        py = py_options(opts)
        for drop in (True, False):
            fpr, tpr, th = M.roc_curve(y, s, drop_intermediate=drop, **py)
            add(f"rocCurve/{tag}/drop={drop}", "rocCurve", [y, s], opts | {"dropIntermediate": drop},
                {"fpr": fpr, "tpr": tpr, "thresholds": th})
        prec, rec, th = M.precision_recall_curve(y, s, **py)
        add(f"precisionRecallCurve/{tag}", "precisionRecallCurve", [y, s], opts, {"precision": prec, "recall": rec, "thresholds": th})
        if "posLabel" in opts and len(np.unique(y)) > 2:  # scikit-learn wants binary y_true here: the same labels as 0/1
            ap = M.average_precision_score(y == opts["posLabel"], s)
        else:
            ap = M.average_precision_score(y, s, **py)
        add(f"averagePrecision/{tag}", "averagePrecision", [y, s], opts, ap)
        add(f"prAuc/{tag}", "prAuc", [y, s], opts, M.auc(rec, prec))
        if "posLabel" not in opts:
            add(f"rocAuc/{tag}", "rocAuc", [y, s], opts, M.roc_auc_score(y, s, **py))
            for mf in (0.1, 0.37, 0.5, 1.0):
                add(f"rocAuc/{tag}/maxFpr={mf}", "rocAuc", [y, s], opts | {"maxFpr": mf}, M.roc_auc_score(y, s, max_fpr=mf, **py))
    # degenerate: no positives / no negatives
    for tag, y in (("no-positives", np.zeros(10, dtype=int)), ("no-negatives", np.ones(10, dtype=int))):
        s = score_ties[:10]
        fpr, tpr, th = M.roc_curve(y, s)
        add(f"rocCurve/{tag}", "rocCurve", [y, s], {}, {"fpr": fpr, "tpr": tpr, "thresholds": th})
        prec, rec, th = M.precision_recall_curve(y, s)
        add(f"precisionRecallCurve/{tag}", "precisionRecallCurve", [y, s], {}, {"precision": prec, "recall": rec, "thresholds": th})
        add(f"averagePrecision/{tag}", "averagePrecision", [y, s], {}, M.average_precision_score(y, s))

for x, y in (([0, 0.5, 1], [0, 0.8, 1]), ([1, 0.5, 0.2, 0], [0.3, 0.9, 1, 1]), ([0, 0, 1, 1], [0, 1, 1, 0])):
    add(f"auc/{x}", "auc", [x, y], {}, M.auc(x, y))

# multiclass ROC AUC from probabilities (ties included)
ymc = labels(150, 4)
logits = rng.normal(0, 1, (150, 4))
logits[np.arange(150), ymc] += 1.0
pmc = softmax_rows(logits)
pmc_ties = np.round(pmc, 1)
pmc_ties = pmc_ties / pmc_ties.sum(axis=1, keepdims=True)
wmc = weights(150)
ymc_absent = np.where(ymc == 3, 0, ymc)  # class 3 never true: only ovo can score it
for tag, probs in (("continuous", pmc), ("ties", pmc_ties)):
    for mc in ("ovr", "ovo"):
        for average in (["macro", "weighted"] + (["micro", None] if mc == "ovr" else [])):
            opts = {"multiClass": mc, "average": average}
            add(f"rocAuc/multiclass/{tag}/{mc}/{average}", "rocAuc", [ymc, probs], opts,
                M.roc_auc_score(ymc, probs, multi_class=mc, average=average))
            if mc == "ovr":
                add(f"rocAuc/multiclass/{tag}/{mc}/{average}/weighted", "rocAuc", [ymc, probs], opts | {"sampleWeight": wmc},
                    M.roc_auc_score(ymc, probs, multi_class=mc, average=average, sample_weight=wmc))
for average in ("macro", "weighted"):
    add(f"rocAuc/multiclass/absent/ovo/{average}", "rocAuc", [ymc_absent, pmc], {"multiClass": "ovo", "average": average},
        M.roc_auc_score(ymc_absent, pmc, multi_class="ovo", average=average, labels=[0, 1, 2, 3]))
add("rocAuc/multiclass/labels", "rocAuc", [ymc * 2 + 1, pmc], {"multiClass": "ovr", "labels": [1, 3, 5, 7]},
    M.roc_auc_score(ymc * 2 + 1, pmc, multi_class="ovr"))


# best threshold (no scikit-learn function: the argmax of F-beta over precision_recall_curve,
# ties to the highest threshold, computed here independently)
def best_f(y, s, beta=1.0, **kw):
    prec, rec, th = M.precision_recall_curve(y, s, **kw)
    prec, rec = prec[:-1], rec[:-1]
    b2 = beta * beta
    denom = b2 * prec + rec
    f = np.where(denom == 0, 0, (1 + b2) * prec * rec / np.where(denom == 0, 1, denom))
    i = len(f) - 1 - int(np.argmax(f[::-1]))  # last maximum = highest threshold
    return {"threshold": th[i], "precision": prec[i], "recall": rec[i], "score": f[i]}


def best_youden(y, s, **kw):
    fpr, tpr, th = M.roc_curve(y, s, drop_intermediate=False, **kw)
    fpr, tpr, th = fpr[1:], tpr[1:], th[1:]
    j = tpr - fpr
    i = int(np.argmax(j))  # first maximum = highest threshold (roc thresholds decrease)
    return {"threshold": th[i], "recall": tpr[i], "fpr": fpr[i], "score": j[i]}


for tag in ("continuous", "ties", "weighted", "integers"):
    y, s, opts = curve_sets[tag]
    py = py_options(opts)
    add(f"bestThreshold/{tag}/f1", "bestThreshold", [y, s], opts, best_f(y, s, **py))
    add(f"bestThreshold/{tag}/f2", "bestThreshold", [y, s], opts | {"metric": "fbeta", "beta": 2.0}, best_f(y, s, 2.0, **py))
    add(f"bestThreshold/{tag}/youden", "bestThreshold", [y, s], opts | {"metric": "youden"}, best_youden(y, s, **py))

# ---- regression -----------------------------------------------------------------------------

yt1 = rng.normal(3, 2, 70)
yp1 = yt1 + rng.normal(0, 1, 70)
yt2 = np.stack([rng.normal(0, 1, 70), rng.normal(10, 5, 70), rng.normal(-2, 0.1, 70)], axis=1)
yp2 = yt2 + rng.normal(0, 1, (70, 3))
wreg = weights(70)
yt_zero = yt1.copy()
yt_zero[::9] = 0.0  # MAPE's eps
const = np.full(10, 2.5)
const2 = np.stack([const, rng.normal(0, 1, 10)], axis=1)
const2_pred = np.stack([const, rng.normal(0, 1, 10)], axis=1)
const2_exact = np.stack([const, const2[:, 1]], axis=1)

reg_fns = {
    "meanAbsoluteError": M.mean_absolute_error,
    "meanSquaredError": M.mean_squared_error,
    "rootMeanSquaredError": lambda t, p, **kw: M.mean_squared_error(t, p, squared=False, **kw),
    "meanAbsolutePercentageError": M.mean_absolute_percentage_error,
    "medianAbsoluteError": M.median_absolute_error,
    "r2Score": M.r2_score,
    "explainedVariance": M.explained_variance_score,
}
r2_like = ("r2Score", "explainedVariance")
reg_sets = {
    "1d": (yt1, yp1),
    "2d": (yt2, yp2),
    "zero-targets": (yt_zero, yp1),
    "constant-target": (const, const + rng.normal(0, 1, 10)),
    "constant-exact": (const, const),
    "constant-column": (const2, const2_pred),
    "constant-column-exact": (const2_exact, const2_pred),
    "odd-count": (yt1[:9], yp1[:9]),
}
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for tag, (t, p) in reg_sets.items():
        multi = t.ndim == 2
        w = wreg[: len(t)]
        mos = ["uniform_average", "raw_values"] + (["variance_weighted", [0.2, 0.3, 0.5][: t.shape[1]]] if multi else [])
        for fn, sk in reg_fns.items():
            for mo in mos:
                if mo == "variance_weighted" and fn not in r2_like:
                    continue
                for sws in (None, w):
                    opts = {"multioutput": mo} | ({} if sws is None else {"sampleWeight": sws})
                    py = py_options(opts)
                    add(f"{fn}/{tag}/{mo}/w={sws is not None}", fn, [t, p], opts, sk(t, p, **py))
                    if fn in r2_like and tag.startswith("constant"):
                        add(f"{fn}/{tag}/{mo}/w={sws is not None}/notfinite", fn, [t, p], opts | {"forceFinite": False},
                            sk(t, p, force_finite=False, **py))
    add("r2Score/one-sample", "r2Score", [[1.0], [2.0]], {}, M.r2_score([1.0], [2.0]))

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    shared = {ref: json.loads(key) for key, ref in arrays.items()}
    json.dump({"generator": "scripts/sklearn_metrics_fixtures.py", "sklearn": sklearn.__version__, "numpy": np.__version__,
               "arrays": shared, "cases": cases}, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(cases)} cases to {os.path.relpath(OUT)}")
