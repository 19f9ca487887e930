#!/usr/bin/env python3
"""PyTorch parity fixtures for tessera's nn layers and losses: writes test/fixtures/torch_nn/<family>.json.

Run:  /usr/bin/python3 scripts/torch_nn_fixtures.py

Each case builds a torch.nn module and the equivalent tessera layer (described by its tessera
config, so the replay goes through layerFromConfig), gives the module deterministic weights
(written into the fixture as its state dict, so no RNG parity is needed), runs it in float64 on
float32-exact inputs, and records the output, the gradients of the inputs and of every parameter
for a random upstream gradient, and the buffers afterwards (BatchNorm's running statistics).
test/nn_parity.test.ts replays every case without Python.

Fixture format, one file per family:
  {"generator": "scripts/torch_nn_fixtures.py", "torch": "<version>", "cases": [case, ...]}
  case   = {"name": "Linear/no_bias",
            "layer": {"type": "Linear", "config": {...}},   # tessera's layerFromConfig input
            "train": true,                                 # train() or eval() before running
            "state": {"weight": tensor, ...},              # loaded with loadStateDict (strict)
            "warmup": [[tensor, ...], ...],                # forward calls made first (no grad)
            "inputs": [tensor, ...],                       # forward's arguments
            "out": tensor, "upstream": tensor,             # output, and the gradient fed to backward
            "inputGrads": [tensor | null, ...],            # per input that has "grad": true
            "paramGrads": {"weight": tensor, ...},         # per parameter (dotted names)
            "stateAfter": {"running_mean": tensor, ...},   # buffers after the calls
            "tol": {"rtol": r, "atol": a}}                 # only where the default is too tight
  tensor = {"shape": [...], "dtype": "float32" | "int32", "data": [flat, row-major], "grad": true}
"""

import json
import os
import sys
import warnings
from pathlib import Path

try:
    import torch
except ImportError:
    # A pyenv/venv python may shadow the system one that carries Debian's python3-torch.
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    sys.exit("torch_nn_fixtures.py needs PyTorch: pip install torch (or apt install python3-torch)")
import numpy as np
from torch import nn

torch.set_default_dtype(torch.float64)
warnings.filterwarnings("ignore", message="reduction: 'mean' divides")  # KLDivLoss 'mean' is tested on purpose
warnings.filterwarnings("ignore", message="Using padding='same' with even kernel")  # so are even 'same' kernels
RNG = np.random.default_rng(20240611)
OUT_DIR = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "torch_nn"

# ---- values and encoding --------------------------------------------------------------------


def f32(a):
    """Rounds to 6 significant digits, then to float32: values that JSON and float32 hold exactly."""
    a = np.asarray(a, dtype=np.float64)
    r = np.array([float(f"{v:.6g}") for v in a.ravel()]).reshape(a.shape)
    return r.astype(np.float32).astype(np.float64)


def randn(*shape, scale=1.0, grad=True):
    return torch.tensor(f32(RNG.standard_normal(shape) * scale)).requires_grad_(grad)


def uniform(lo, hi, *shape, grad=True):
    return torch.tensor(f32(RNG.uniform(lo, hi, shape))).requires_grad_(grad)


def ints(lo, hi, *shape):
    return torch.tensor(RNG.integers(lo, hi, shape), dtype=torch.int64)


def encode(t, digits=9):
    t = t.detach()
    if t.dtype in (torch.int64, torch.int32):
        return {"shape": list(t.shape), "dtype": "int32", "data": [int(v) for v in t.reshape(-1).tolist()]}
    data = [float(f"{v:.{digits}g}") for v in t.reshape(-1).tolist()]
    return {"shape": list(t.shape), "dtype": "float32", "data": data}


def encode_input(t):
    s = encode(t)
    if t.requires_grad:
        s["grad"] = True
    return s


def set_state(module, scale=0.5):
    """Deterministic float32-exact weights for every parameter (and positive running variances)."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            p.copy_(torch.tensor(f32(RNG.standard_normal(tuple(p.shape)) * scale)))
        for name, b in module.named_buffers():
            if name.endswith("running_mean"):
                b.copy_(torch.tensor(f32(RNG.standard_normal(tuple(b.shape)) * 0.5)))
            elif name.endswith("running_var"):
                b.copy_(torch.tensor(f32(RNG.uniform(0.5, 2.0, tuple(b.shape)))))
    return module


# ---- cases ----------------------------------------------------------------------------------

FAMILIES = {}


def case(family, name, ttype, config, module, inputs, train=True, warmup=(), state=True, tol=None):
    """Runs `module` (already holding its weights) on `inputs` and records everything tessera checks."""
    module = module.double()
    if state:
        set_state(module)
    module.train(train)
    entry = {"name": f"{ttype}/{name}", "layer": {"type": ttype, "config": config}, "train": train}
    entry["state"] = {k: encode(v) for k, v in module.state_dict().items()}
    if warmup:
        entry["warmup"] = [[encode(x) for x in call] for call in warmup]
        with torch.no_grad():
            for call in warmup:
                module(*call)
    entry["inputs"] = [encode_input(x) for x in inputs]
    out = module(*inputs)
    upstream = torch.tensor(f32(RNG.standard_normal(tuple(out.shape))))
    entry["out"] = encode(out)
    entry["upstream"] = encode(upstream)
    if out.requires_grad:
        out.backward(upstream)
    entry["inputGrads"] = [encode(x.grad) if x.requires_grad and x.grad is not None else None for x in inputs]
    entry["paramGrads"] = {k: encode(p.grad) for k, p in module.named_parameters() if p.grad is not None}
    buffers = {k: encode(b) for k, b in module.named_buffers()}
    if buffers:
        entry["stateAfter"] = buffers
    if tol:
        entry["tol"] = tol
    FAMILIES.setdefault(family, []).append(entry)


def layers():
    lin = "linear"
    case(lin, "basic", "Linear", {"inFeatures": 5, "outFeatures": 3, "bias": True}, nn.Linear(5, 3), [randn(4, 5)])
    case(lin, "batched_3d", "Linear", {"inFeatures": 4, "outFeatures": 6, "bias": True}, nn.Linear(4, 6), [randn(2, 3, 4)])
    case(lin, "no_bias", "Linear", {"inFeatures": 6, "outFeatures": 2, "bias": False}, nn.Linear(6, 2, bias=False), [randn(3, 6)])
    case(lin, "basic", "Identity", {}, nn.Identity(), [randn(2, 3)])

    conv = "conv"
    c1 = {"inChannels": 4, "outChannels": 6, "kernelSize": 3, "stride": 2, "padding": 1, "dilation": 1, "groups": 2, "bias": True}
    case(conv, "stride_pad_groups", "Conv1d", c1, nn.Conv1d(4, 6, 3, stride=2, padding=1, groups=2), [randn(2, 4, 9)])
    c1 = {"inChannels": 3, "outChannels": 2, "kernelSize": 2, "stride": 1, "padding": 0, "dilation": 2, "groups": 1, "bias": False}
    case(conv, "dilation_no_bias", "Conv1d", c1, nn.Conv1d(3, 2, 2, dilation=2, bias=False), [randn(2, 3, 7)])
    c2 = {"inChannels": 2, "outChannels": 3, "kernelSize": 3, "stride": 1, "padding": 1, "dilation": 1, "groups": 1, "bias": True}
    case(conv, "pad1", "Conv2d", c2, nn.Conv2d(2, 3, 3, padding=1), [randn(2, 2, 5, 5)])
    c2 = {"inChannels": 4, "outChannels": 4, "kernelSize": [3, 2], "stride": [2, 1], "padding": [1, 0], "dilation": [1, 2], "groups": 2, "bias": False}
    m = nn.Conv2d(4, 4, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2, bias=False)
    case(conv, "rect_stride_dilation_groups", "Conv2d", c2, m, [randn(2, 4, 6, 7)])
    c2 = {"inChannels": 2, "outChannels": 2, "kernelSize": 3, "stride": 3, "padding": 2, "dilation": 2, "groups": 1, "bias": True}
    case(conv, "stride3_pad2_dilation2", "Conv2d", c2, nn.Conv2d(2, 2, 3, stride=3, padding=2, dilation=2), [randn(2, 2, 9, 8)])
    c1 = {"inChannels": 2, "outChannels": 3, "kernelSize": 5, "stride": 1, "padding": "same", "dilation": 1, "groups": 1, "bias": True}
    case(conv, "same", "Conv1d", c1, nn.Conv1d(2, 3, 5, padding="same"), [randn(2, 2, 6)])
    c2 = {"inChannels": 1, "outChannels": 2, "kernelSize": 3, "stride": 1, "padding": "same", "dilation": 1, "groups": 1, "bias": True}
    case(conv, "same", "Conv2d", c2, nn.Conv2d(1, 2, 3, padding="same"), [randn(1, 1, 4, 6)])

    c2 = {"inChannels": 1, "outChannels": 2, "kernelSize": [4, 3], "stride": 1, "padding": "same", "dilation": [1, 2], "groups": 1, "bias": True}
    case(conv, "same_even_kernel", "Conv2d", c2, nn.Conv2d(1, 2, (4, 3), padding="same", dilation=(1, 2)), [randn(1, 1, 5, 6)])
    c1 = {"inChannels": 2, "outChannels": 1, "kernelSize": 2, "stride": 1, "padding": "same", "dilation": 3, "groups": 1, "bias": False}
    case(conv, "same_even_dilated", "Conv1d", c1, nn.Conv1d(2, 1, 2, padding="same", dilation=3, bias=False), [randn(2, 2, 7)])

    pool = "pooling"
    case(pool, "k2", "MaxPool2d", {"kernelSize": 2}, nn.MaxPool2d(2), [randn(2, 3, 6, 6)])
    cfg = {"kernelSize": 3, "stride": 2, "padding": 1, "ceilMode": True}
    case(pool, "k3_s2_p1_ceil", "MaxPool2d", cfg, nn.MaxPool2d(3, 2, 1, ceil_mode=True), [randn(2, 2, 8, 7)])
    case(pool, "k2", "AvgPool2d", {"kernelSize": 2}, nn.AvgPool2d(2), [randn(2, 3, 6, 6)])
    cfg = {"kernelSize": [3, 2], "stride": [2, 1], "padding": [1, 1], "countIncludePad": False}
    case(pool, "rect_pad_exclude", "AvgPool2d", cfg, nn.AvgPool2d((3, 2), (2, 1), (1, 1), count_include_pad=False), [randn(2, 2, 7, 5)])
    cfg = {"kernelSize": 3, "stride": 2, "padding": 1, "ceilMode": True}
    case(pool, "k3_s2_p1_ceil", "AvgPool2d", cfg, nn.AvgPool2d(3, 2, 1, ceil_mode=True), [randn(1, 2, 8, 7)])
    cfg = {"kernelSize": 3, "stride": 2, "padding": 1, "ceilMode": True, "countIncludePad": False}
    case(pool, "k3_s2_p1_ceil_exclude", "AvgPool2d", cfg, nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False), [randn(1, 2, 8, 7)])
    case(pool, "k3_s1_p1", "MaxPool2d", {"kernelSize": 3, "stride": 1, "padding": 1}, nn.MaxPool2d(3, 1, 1), [randn(1, 2, 5, 6)])
    case(pool, "divisible", "AdaptiveAvgPool2d", {"outputSize": [2, 4]}, nn.AdaptiveAvgPool2d((2, 4)), [randn(2, 3, 8, 8)])
    case(pool, "overlapping", "AdaptiveAvgPool2d", {"outputSize": [3, 2]}, nn.AdaptiveAvgPool2d((3, 2)), [randn(2, 2, 7, 5)])
    case(pool, "keep_height", "AdaptiveAvgPool2d", {"outputSize": [None, 3]}, nn.AdaptiveAvgPool2d((None, 3)), [randn(1, 2, 4, 7)])
    case(pool, "larger_than_input", "AdaptiveAvgPool2d", {"outputSize": [5, 4]}, nn.AdaptiveAvgPool2d((5, 4)), [randn(1, 2, 3, 2)])
    case(pool, "global", "AdaptiveAvgPool2d", {"outputSize": 1}, nn.AdaptiveAvgPool2d(1), [randn(2, 3, 5, 5)])

    shape = "shape"
    case(shape, "default", "Flatten", {}, nn.Flatten(), [randn(2, 3, 2, 2)])
    case(shape, "dims_1_2", "Flatten", {"startDim": 1, "endDim": 2}, nn.Flatten(1, 2), [randn(2, 3, 2, 2)])
    case(shape, "basic", "Unflatten", {"dim": 1, "sizes": [2, 3]}, nn.Unflatten(1, (2, 3)), [randn(4, 6)])
    case(shape, "eval", "Dropout", {"p": 0.5}, nn.Dropout(0.5), [randn(3, 4)], train=False)
    case(shape, "p0_train", "Dropout", {"p": 0}, nn.Dropout(0.0), [randn(3, 4)])

    norm = "norm"
    bn = {"numFeatures": 3}
    case(norm, "train_2d", "BatchNorm1d", bn, nn.BatchNorm1d(3), [randn(6, 3, scale=2)])
    case(norm, "train_3d", "BatchNorm1d", bn, nn.BatchNorm1d(3), [randn(4, 3, 5)])
    case(norm, "eval", "BatchNorm1d", bn, nn.BatchNorm1d(3), [randn(4, 3)], train=False)
    cfg = {"numFeatures": 3, "momentum": None, "eps": 1e-3}
    warm = [[randn(5, 3, grad=False)], [randn(5, 3, grad=False)]]
    case(norm, "cumulative_average", "BatchNorm1d", cfg, nn.BatchNorm1d(3, eps=1e-3, momentum=None), [randn(5, 3)], warmup=warm)
    cfg = {"numFeatures": 2, "affine": False, "momentum": 0.3}
    case(norm, "no_affine", "BatchNorm1d", cfg, nn.BatchNorm1d(2, affine=False, momentum=0.3), [randn(4, 2)])
    cfg = {"numFeatures": 2, "trackRunningStats": False}
    case(norm, "no_running_stats_eval", "BatchNorm1d", cfg, nn.BatchNorm1d(2, track_running_stats=False), [randn(4, 2)], train=False)
    bn = {"numFeatures": 3}
    warm = [[randn(2, 3, 4, 4, grad=False)]]
    case(norm, "train", "BatchNorm2d", bn, nn.BatchNorm2d(3), [randn(2, 3, 4, 5)], warmup=warm)
    case(norm, "eval", "BatchNorm2d", bn, nn.BatchNorm2d(3), [randn(2, 3, 3, 3)], train=False)
    case(norm, "last_dim", "LayerNorm", {"normalizedShape": [6]}, nn.LayerNorm(6), [randn(2, 3, 6)])
    cfg = {"normalizedShape": [3, 4], "eps": 1e-3}
    case(norm, "last_two_dims", "LayerNorm", cfg, nn.LayerNorm([3, 4], eps=1e-3), [randn(2, 3, 4)])
    cfg = {"normalizedShape": [5], "elementwiseAffine": False}
    case(norm, "no_affine", "LayerNorm", cfg, nn.LayerNorm(5, elementwise_affine=False), [randn(4, 5)])

    emb = "embedding"
    case(emb, "basic", "Embedding", {"numEmbeddings": 7, "embeddingDim": 3}, nn.Embedding(7, 3), [ints(0, 7, 2, 5)])
    ids = torch.tensor([[0, 2, 0, 5], [3, 0, 1, 2]])
    cfg = {"numEmbeddings": 6, "embeddingDim": 4, "paddingIdx": 0}
    case(emb, "padding_idx", "Embedding", cfg, nn.Embedding(6, 4, padding_idx=0), [ids])

    act = "activation"
    x = lambda: randn(3, 7, scale=2)  # noqa: E731
    case(act, "basic", "ReLU", {}, nn.ReLU(), [x()])
    case(act, "slope_0.2", "LeakyReLU", {"negativeSlope": 0.2}, nn.LeakyReLU(0.2), [x()])
    case(act, "alpha_0.5", "ELU", {"alpha": 0.5}, nn.ELU(0.5), [x()])
    case(act, "exact", "GELU", {}, nn.GELU(), [x()])
    case(act, "tanh", "GELU", {"approximate": "tanh"}, nn.GELU(approximate="tanh"), [x()])
    case(act, "basic", "SiLU", {}, nn.SiLU(), [x()])
    case(act, "basic", "Sigmoid", {}, nn.Sigmoid(), [x()])
    case(act, "basic", "Tanh", {}, nn.Tanh(), [x()])
    case(act, "default", "Softplus", {}, nn.Softplus(), [x()])
    case(act, "beta2_threshold3", "Softplus", {"beta": 2, "threshold": 3}, nn.Softplus(2, 3), [x()])
    case(act, "dim1", "Softmax", {"dim": 1}, nn.Softmax(1), [x()])
    case(act, "dim0", "LogSoftmax", {"dim": 0}, nn.LogSoftmax(0), [x()])

    seq = "sequential"
    cfg = {"layers": [
        {"name": "fc1", "type": "Linear", "config": {"inFeatures": 6, "outFeatures": 5}},
        {"name": "act", "type": "ReLU", "config": {}},
        {"name": "norm", "type": "LayerNorm", "config": {"normalizedShape": [5]}},
        {"name": "fc2", "type": "Linear", "config": {"inFeatures": 5, "outFeatures": 3}},
    ]}
    from collections import OrderedDict
    m = nn.Sequential(OrderedDict(fc1=nn.Linear(6, 5), act=nn.ReLU(), norm=nn.LayerNorm(5), fc2=nn.Linear(5, 3)))
    case(seq, "named_mlp", "Sequential", cfg, m, [randn(4, 6)])
    cfg = {"layers": [
        {"type": "Conv2d", "config": {"inChannels": 1, "outChannels": 3, "kernelSize": 3, "padding": 1}},
        {"type": "BatchNorm2d", "config": {"numFeatures": 3}},
        {"type": "ReLU", "config": {}},
        {"type": "MaxPool2d", "config": {"kernelSize": 2}},
        {"type": "Flatten", "config": {}},
        {"type": "Linear", "config": {"inFeatures": 12, "outFeatures": 4}},
    ]}
    m = nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.BatchNorm2d(3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(12, 4))
    case(seq, "small_cnn", "Sequential", cfg, m, [randn(2, 1, 4, 4)])


def losses():
    fam = "loss"
    for red in ["mean", "sum", "none"]:
        case(fam, red, "MSELoss", {"reduction": red}, nn.MSELoss(reduction=red), [randn(3, 4), randn(3, 4)])
    case(fam, "mean", "L1Loss", {}, nn.L1Loss(), [randn(3, 4), randn(3, 4)])
    case(fam, "none", "L1Loss", {"reduction": "none"}, nn.L1Loss(reduction="none"), [randn(5), randn(5)])
    case(fam, "beta_0.5", "SmoothL1Loss", {"beta": 0.5}, nn.SmoothL1Loss(beta=0.5), [randn(4, 5), randn(4, 5)])
    case(fam, "default_sum", "SmoothL1Loss", {"reduction": "sum"}, nn.SmoothL1Loss(reduction="sum"), [randn(4, 5), randn(4, 5)])
    case(fam, "delta_0.7", "HuberLoss", {"delta": 0.7}, nn.HuberLoss(delta=0.7), [randn(4, 5), randn(4, 5)])
    case(fam, "default_none", "HuberLoss", {"reduction": "none"}, nn.HuberLoss(reduction="none"), [randn(6), randn(6)])
    probs = lambda *s: uniform(0.02, 0.98, *s)  # noqa: E731
    targets = lambda *s: uniform(0, 1, *s, grad=False)  # noqa: E731
    case(fam, "mean", "BCELoss", {}, nn.BCELoss(), [probs(4, 3), targets(4, 3)])
    w = f32(RNG.uniform(0.5, 2, 3)).tolist()
    case(fam, "weight_sum", "BCELoss", {"weight": w, "reduction": "sum"}, nn.BCELoss(torch.tensor(w), reduction="sum"), [probs(4, 3), targets(4, 3)], state=False)
    case(fam, "mean", "BCEWithLogitsLoss", {}, nn.BCEWithLogitsLoss(), [randn(4, 3, scale=3), targets(4, 3)])
    pw = f32(RNG.uniform(0.5, 3, 3)).tolist()
    m = nn.BCEWithLogitsLoss(weight=torch.tensor(w), pos_weight=torch.tensor(pw))
    case(fam, "weight_pos_weight", "BCEWithLogitsLoss", {"weight": w, "posWeight": pw}, m, [randn(4, 3, scale=3), targets(4, 3)], state=False)
    m = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(pw), reduction="none")
    case(fam, "pos_weight_none", "BCEWithLogitsLoss", {"posWeight": pw, "reduction": "none"}, m, [randn(2, 3, scale=3), targets(2, 3)], state=False)
    cw = f32(RNG.uniform(0.5, 2, 5)).tolist()
    case(fam, "mean", "CrossEntropyLoss", {}, nn.CrossEntropyLoss(), [randn(6, 5), ints(0, 5, 6)])
    t = torch.tensor([1, -100, 4, 0, 2, -100])
    m = nn.CrossEntropyLoss(weight=torch.tensor(cw), ignore_index=-100, label_smoothing=0.1)
    cfg = {"weight": cw, "ignoreIndex": -100, "labelSmoothing": 0.1}
    case(fam, "weight_smoothing_ignore", "CrossEntropyLoss", cfg, m, [randn(6, 5), t], state=False)
    t = torch.tensor([[0, 3, 3], [1, 2, 4]])
    m = nn.CrossEntropyLoss(ignore_index=3, reduction="none")
    case(fam, "spatial_ignore3_none", "CrossEntropyLoss", {"ignoreIndex": 3, "reduction": "none"}, m, [randn(2, 5, 3), t])
    case(fam, "mean", "NLLLoss", {}, nn.NLLLoss(), [randn(6, 5), ints(0, 5, 6)])
    t = torch.tensor([1, 4, 2, 2, 0, 1])
    case(fam, "weight_ignore2", "NLLLoss", {"weight": cw, "ignoreIndex": 2}, nn.NLLLoss(torch.tensor(cw), ignore_index=2), [randn(6, 5), t], state=False)
    case(fam, "spatial_sum", "NLLLoss", {"reduction": "sum"}, nn.NLLLoss(reduction="sum"), [randn(2, 5, 3, 2), ints(0, 5, 2, 3, 2)])
    logp = lambda: torch.log_softmax(randn(4, 5, grad=False), 1).detach().requires_grad_()  # noqa: E731
    target = lambda: torch.softmax(randn(4, 5, grad=False), 1).detach().requires_grad_()  # noqa: E731
    for red in ["batchmean", "mean", "sum", "none"]:
        x, t = logp(), target()
        x, t = [torch.tensor(f32(v.detach().numpy())).requires_grad_() for v in (x, t)]
        case(fam, red, "KLDivLoss", {"reduction": red}, nn.KLDivLoss(reduction=red), [x, t])
    x, t = [torch.tensor(f32(v.detach().numpy())).requires_grad_() for v in (logp(), logp())]
    m = nn.KLDivLoss(reduction="batchmean", log_target=True)
    case(fam, "log_target", "KLDivLoss", {"reduction": "batchmean", "logTarget": True}, m, [x, t])


def activations_added():
    """Hardswish and Mish (drawn last, so the cases above keep their random values): random
    inputs, and the points where each bends (hardswish's kinks at -3 and 3, mish's tails)."""
    act = "activation"
    case(act, "basic", "Hardswish", {}, nn.Hardswish(), [randn(3, 7, scale=3)])
    # not 3.0 itself: torch's gradient there is 1.5 or 1 depending on whether its CPU kernel's
    # scalar or vectorised loop reaches it (scripts/torch_fixtures.py checks it, one element alone)
    kinks = torch.tensor([[-5.0, -3.001, -3.0, -2.999, 0.0], [1e-3, 2.999, 2.9999, 3.001, 5.0]]).requires_grad_()
    case(act, "kinks", "Hardswish", {}, nn.Hardswish(), [kinks])
    case(act, "basic", "Mish", {}, nn.Mish(), [randn(3, 7, scale=3)])
    tails = torch.tensor([[-100.0, -30.0, -10.0, -1.19, 0.0], [1e-3, 10.0, 20.0, 30.0, 100.0]]).requires_grad_()
    case(act, "tails", "Mish", {}, nn.Mish(), [tails])


def main():
    layers()
    losses()
    activations_added()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for old in OUT_DIR.glob("*.json"):
        old.unlink()
    total = 0
    for family, cases in sorted(FAMILIES.items()):
        path = OUT_DIR / f"{family}.json"
        text = json.dumps({"generator": "scripts/torch_nn_fixtures.py", "torch": torch.__version__, "cases": cases}, separators=(",", ":"))
        path.write_text(text + "\n")
        total += len(text)
        print(f"{path.relative_to(OUT_DIR.parent.parent.parent)}: {len(cases)} cases, {len(text) / 1024:.1f} KiB")
    print(f"total {sum(len(c) for c in FAMILIES.values())} cases, {total / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
