#!/usr/bin/env python3
"""Writes test/fixtures/sklearn/transforms.json: scikit-learn's fitted statistics and outputs for
tessera's preprocessing transforms on fixed inputs, so test/sklearn_transforms.test.ts can check
tessera against scikit-learn without Python.

    /usr/bin/python3 scripts/sklearn_transform_fixtures.py    # scikit-learn 1.2.1, numpy 1.24

Each case names the tessera transform and its options (tessera's names), the input columns (null
marks a missing value), an optional second table to transform (`test`), the fitted statistics under
tessera's property names, the output matrix (rows x features) with tessera's feature names
(`column=category`), and, where scikit-learn defines it, the inverse of the output.
"""

import json
import os

import numpy as np
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import (
    LabelEncoder,
    MinMaxScaler,
    OneHotEncoder,
    OrdinalEncoder,
    RobustScaler,
    StandardScaler,
)

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "sklearn", "transforms.json")
rng = np.random.RandomState(0)


def num(values):
    """A JSON list of floats, NaN as None."""
    return [None if np.isnan(v) else float(v) for v in np.asarray(values, dtype=float)]


def cat(v):
    """A category for JSON: strings as is, numbers as floats, missing (None or NaN) as None."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    return v if isinstance(v, str) else float(v)


def label(v):
    """A category as tessera names it in a one-hot column (JavaScript's String(number))."""
    v = cat(v)
    if v is None:
        return "null"
    if v == "infrequent_sklearn":
        return "<infrequent>"
    if isinstance(v, str):
        return v
    return str(int(v)) if float(v).is_integer() else repr(v)


def matrix(x):
    return [num(row) for row in np.asarray(x, dtype=float)]


def objects(column):
    """A string column (None = missing) as the object array scikit-learn sees, missing as NaN."""
    return np.array([np.nan if v is None else v for v in column], dtype=object)


def table(columns):
    """Columns {name: list} as a 2-D array for scikit-learn (object dtype when any column holds strings)."""
    cols = list(columns.values())
    if any(isinstance(v, str) for c in cols for v in c):
        return np.column_stack([objects(c) if any(isinstance(v, str) for v in c) else np.array([np.nan if v is None else v for v in c], dtype=object) for c in cols])
    return np.column_stack([np.array([np.nan if v is None else v for v in c], dtype=float) for c in cols])


def json_columns(columns):
    return {k: ([None if v is None else v for v in c] if any(isinstance(v, str) for v in c) else num([np.nan if v is None else v for v in c])) for k, c in columns.items()}


cases = []


def case(name, transform, options, est, columns, state, test=None, names=None, inverse=True):
    x = table(columns)
    est.fit(x)
    target = table(test) if test is not None else x
    out = est.transform(target)
    c = {
        "name": name,
        "transform": transform,
        "options": options,
        "input": json_columns(columns),
        "state": state(est),
        "output": matrix(out),
    }
    if test is not None:
        c["test"] = json_columns(test)
    if names is not None:
        c["featureNames"] = names(est)
    if inverse:
        inv = est.inverse_transform(out)
        c["inverse"] = [[cat(v) for v in row] for row in np.asarray(inv, dtype=object)]
    cases.append(c)


def wrap(values, n):
    """A fitted statistic as one value per column (scikit-learn keeps a scalar when all agree)."""
    a = np.asarray(values, dtype=float)
    return num(np.broadcast_to(a, (n,)))


# --- scalers -------------------------------------------------------------------------------------
nums = {
    "a": list(rng.normal(10, 3, 40)),
    "b": list(rng.exponential(2.0, 40)),
    "c": [5.0] * 40,  # constant: scale 1
}
nums["a"][3] = None
nums["a"][17] = None
nums["b"][0] = None
test_nums = {"a": [-100.0, 10.0, None, 200.0], "b": [0.5, -3.0, 40.0, None], "c": [5.0, 6.0, 4.0, 5.0]}

std_state = lambda e: {"mean": num(e.mean_), "var": num(e.var_), "scales": num(e.scale_), "nSamplesSeen": wrap(e.n_samples_seen_, 3)}
case("StandardScaler", "StandardScaler", {}, StandardScaler(), nums, std_state)
case("StandardScaler test rows", "StandardScaler", {}, StandardScaler(), nums, std_state, test=test_nums)
case("StandardScaler withMean false", "StandardScaler", {"withMean": False}, StandardScaler(with_mean=False), nums, std_state)
case(
    "StandardScaler withStd false",
    "StandardScaler",
    {"withStd": False},
    StandardScaler(with_std=False),
    nums,
    lambda e: {"mean": num(e.mean_)},
)

mm_state = lambda e: {"dataMin": num(e.data_min_), "dataMax": num(e.data_max_), "scales": num(e.scale_), "mins": num(e.min_)}
case("MinMaxScaler", "MinMaxScaler", {}, MinMaxScaler(), nums, mm_state)
case("MinMaxScaler featureRange", "MinMaxScaler", {"featureRange": [-2, 3]}, MinMaxScaler(feature_range=(-2, 3)), nums, mm_state, test=test_nums)
case(
    "MinMaxScaler clip",
    "MinMaxScaler",
    {"featureRange": [-1, 1], "clip": True},
    MinMaxScaler(feature_range=(-1, 1), clip=True),
    nums,
    mm_state,
    test=test_nums,
    inverse=False,
)

rb_state = lambda e: {"center": num(e.center_), "scales": num(e.scale_)}
case("RobustScaler", "RobustScaler", {}, RobustScaler(), nums, rb_state)
case("RobustScaler quantileRange", "RobustScaler", {"quantileRange": [10, 90]}, RobustScaler(quantile_range=(10, 90)), nums, rb_state, test=test_nums)
case(
    "RobustScaler withCentering false",
    "RobustScaler",
    {"withCentering": False, "quantileRange": [5, 62.5]},
    RobustScaler(with_centering=False, quantile_range=(5, 62.5)),
    {"a": nums["a"], "b": nums["b"]},
    lambda e: {"scales": num(e.scale_)},
)

# --- encoders ------------------------------------------------------------------------------------
colors = ["red", "green", "blue", "green", "red", "red", None, "blue", "violet", "red", "green", "red"]
sizes = ["S", "M", "M", "L", "S", "M", "M", "L", "S", "M", "XL", "M"]
binary = ["yes", "no", "no", "yes", "no", "no", "yes", "no", "no", "no", "yes", "yes"]
codes = [3.0, 1.0, 2.0, 3.0, 3.0, None, 1.0, 2.5, 3.0, 1.0, 1.0, 2.5]
cats = {"color": colors, "size": sizes}
test_cats = {"color": ["green", "orange", None, "violet"], "size": ["XXL", "S", "M", "XL"]}

def ohe_feature_names(cols):
    def names(e):
        out = []
        for j, c in enumerate(cols):
            for v in e._compute_transformed_categories(j):
                out.append(f"{c}={label(v)}")
        return out

    return names


ohe_state = lambda e: {
    "categories": [[cat(v) for v in cs] for cs in e.categories_],
    "infrequentCategories": [[] if ic is None else [cat(v) for v in ic] for ic in getattr(e, "infrequent_categories_", [None] * len(e.categories_))],
}
case("OneHotEncoder", "OneHotEncoder", {}, OneHotEncoder(sparse_output=False), cats, ohe_state, names=ohe_feature_names(list(cats)))
case(
    "OneHotEncoder numbers",
    "OneHotEncoder",
    {},
    OneHotEncoder(sparse_output=False),
    {"code": codes},
    ohe_state,
    names=ohe_feature_names(["code"]),
)
case(
    "OneHotEncoder handleUnknown ignore",
    "OneHotEncoder",
    {"handleUnknown": "ignore"},
    OneHotEncoder(sparse_output=False, handle_unknown="ignore"),
    cats,
    ohe_state,
    test=test_cats,
    names=ohe_feature_names(list(cats)),
)
case(
    "OneHotEncoder drop first",
    "OneHotEncoder",
    {"drop": "first"},
    OneHotEncoder(sparse_output=False, drop="first"),
    cats,
    ohe_state,
    names=ohe_feature_names(list(cats)),
)
case(
    "OneHotEncoder drop ifBinary",
    "OneHotEncoder",
    {"drop": "ifBinary"},
    OneHotEncoder(sparse_output=False, drop="if_binary"),
    {"binary": binary, "size": sizes},
    ohe_state,
    names=ohe_feature_names(["binary", "size"]),
)
case(
    "OneHotEncoder minFrequency count",
    "OneHotEncoder",
    {"minFrequency": 2, "handleUnknown": "infrequent"},
    OneHotEncoder(sparse_output=False, min_frequency=2, handle_unknown="infrequent_if_exist"),
    cats,
    ohe_state,
    test=test_cats,
    names=ohe_feature_names(list(cats)),
    inverse=False,
)
case(
    "OneHotEncoder minFrequency fraction",
    "OneHotEncoder",
    {"minFrequency": 0.2, "handleUnknown": "ignore"},
    OneHotEncoder(sparse_output=False, min_frequency=0.2, handle_unknown="ignore"),
    cats,
    ohe_state,
    test=test_cats,
    names=ohe_feature_names(list(cats)),
    inverse=False,
)
case(
    "OneHotEncoder maxCategories drop first",
    "OneHotEncoder",
    {"maxCategories": 3, "drop": "first", "handleUnknown": "infrequent"},
    OneHotEncoder(sparse_output=False, max_categories=3, drop="first", handle_unknown="infrequent_if_exist"),
    cats,
    ohe_state,
    test=test_cats,
    names=ohe_feature_names(list(cats)),
    inverse=False,
)
case(
    "OneHotEncoder given categories",
    "OneHotEncoder",
    {"categories": {"size": ["S", "M", "L", "XL", "XXL"]}, "handleUnknown": "ignore"},
    OneHotEncoder(sparse_output=False, categories=[["S", "M", "L", "XL", "XXL"]], handle_unknown="ignore"),
    {"size": sizes},
    ohe_state,
    test={"size": test_cats["size"]},
    names=ohe_feature_names(["size"]),
)

ord_state = lambda e: {"categories": [[cat(v) for v in cs] for cs in e.categories_]}
case("OrdinalEncoder", "OrdinalEncoder", {}, OrdinalEncoder(), cats, ord_state)
case("OrdinalEncoder numbers", "OrdinalEncoder", {}, OrdinalEncoder(), {"code": codes}, ord_state)
case(
    "OrdinalEncoder unknown value",
    "OrdinalEncoder",
    {"handleUnknown": "useEncodedValue", "unknownValue": -1, "encodedMissingValue": -2},
    OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-2),
    cats,
    ord_state,
    test=test_cats,
)
case(
    "OrdinalEncoder given categories",
    "OrdinalEncoder",
    {"categories": {"size": ["S", "M", "L", "XL"]}},
    OrdinalEncoder(categories=[["S", "M", "L", "XL"]]),
    {"size": sizes},
    ord_state,
)

# --- imputer -------------------------------------------------------------------------------------
gaps = {"a": [1.0, None, 3.0, 3.0, 10.0, None, 7.0, 1.0], "b": [2.5, 2.5, None, -1.0, -1.0, 0.0, None, 4.0]}
words = {"w": ["x", None, "y", "y", None, "x", "z", None]}
imp_state = lambda e: {"statistics": [cat(v) for v in e.statistics_]}
for strategy, ts in [("mean", "mean"), ("median", "median"), ("most_frequent", "mostFrequent"), ("constant", "constant")]:
    case(f"SimpleImputer {ts}", "SimpleImputer", {"strategy": ts}, SimpleImputer(strategy=strategy), gaps, imp_state, inverse=False)
case(
    "SimpleImputer constant fillValue",
    "SimpleImputer",
    {"strategy": "constant", "fillValue": -9},
    SimpleImputer(strategy="constant", fill_value=-9),
    gaps,
    imp_state,
    inverse=False,
)
for strategy, ts in [("most_frequent", "mostFrequent"), ("constant", "constant")]:
    est = SimpleImputer(strategy=strategy, missing_values=np.nan)
    x = objects(words["w"]).reshape(-1, 1)
    est.fit(x)
    cases.append(
        {
            "name": f"SimpleImputer strings {ts}",
            "transform": "SimpleImputer",
            "options": {"strategy": ts},
            "input": json_columns(words),
            "state": imp_state(est),
            "outputStrings": [[cat(v) for v in row] for row in est.transform(x)],
        }
    )

# --- LabelEncoder --------------------------------------------------------------------------------
labels = []
for y in (["cat", "dog", "cat", "bird", "ant", "dog"], [3.0, 1.0, 2.0, 3.0, 10.0, -1.5]):
    le = LabelEncoder().fit(y)
    labels.append({"y": y, "classes": [cat(v) for v in le.classes_], "codes": le.transform(y).tolist()})

# --- ColumnTransformer ---------------------------------------------------------------------------
frame = {"a": nums["a"][:12], "color": colors, "b": nums["b"][:12], "size": sizes, "code": num(codes)}
x = table(frame)
column_transformers = []
for remainder in ("passthrough", "drop"):
    ct = ColumnTransformer(
        [("num", StandardScaler(), [0, 2]), ("cat", OneHotEncoder(sparse_output=False, handle_unknown="ignore"), [1])],
        remainder=remainder,
    )
    out = ct.fit_transform(x)
    rows = [[cat(v) for v in row] for row in out]  # with remainder 'passthrough', 'size' stays strings
    names = ["a", "b"] + [f"color={label(v)}" for v in ct.named_transformers_["cat"].categories_[0]]
    if remainder == "passthrough":
        names += ["size", "code"]
    column_transformers.append({"remainder": remainder, "input": json_columns(frame), "featureNames": names, "output": rows})

with open(OUT, "w") as f:
    json.dump(
        {
            "generator": "scripts/sklearn_transform_fixtures.py",
            "sklearn": sklearn.__version__,
            "numpy": np.__version__,
            "cases": cases,
            "labelEncoder": labels,
            "columnTransformer": column_transformers,
        },
        f,
        indent=1,
    )
    f.write("\n")
print(f"wrote {len(cases)} transform cases, {len(labels)} label encoders, {len(column_transformers)} column transformers to {OUT}")
