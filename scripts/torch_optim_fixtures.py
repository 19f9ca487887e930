#!/usr/bin/env python3
"""PyTorch parity fixtures for tessera.optim: writes test/fixtures/torch_optim/*.json.

Run:  /usr/bin/python3 scripts/torch_optim_fixtures.py

Three files, replayed by test/optim_parity.test.ts (which needs no Python):

  optimizers.json  {"cases": [{"name", "optimizer": "Adam", "options": {tessera option names},
                     "groups": [{"params": [indices], ...overrides}] (optional),
                     "params": [tensor, ...]             # starting values
                     "grads": [[tensor | null, ...], ...] # per step, per parameter (null: no grad)
                     "expected": [[tensor, ...], ...]}]}  # parameters after each step
  schedulers.json  {"cases": [{"name", "scheduler": "OneCycleLR", "options": {...},
                     "optimizer": {"type", "options", "groupLrs": [lr per group]},
                     "metrics": [...] (ReduceLROnPlateau), "steps": n,
                     "lrs": [[lr per group], ...],        # after construction, then after each step
                     "momentum": [[...], ...]}]}          # OneCycleLR: momentum or betas[0] likewise
  clip.json        {"cases": [{"name", "fn": "clipGradNorm" | "clipGradValue", "args": [...],
                     "grads": [tensor | null, ...], "total": norm, "clipped": [tensor | null, ...]}]}
  tensor = {"shape": [...], "data": [flat row-major values]}

Starting values and gradients are rounded to 6 significant digits and then to float32, so JSON
holds exactly what tessera starts from; torch then runs in float64, so the references carry no
float32 error of their own. Options are written with tessera's names and translated here.
"""

import json
import math
import os
import re
import sys
import warnings
from pathlib import Path

try:
    import torch
except ImportError:
    # A pyenv/venv python may shadow the system one that carries Debian's python3-torch.
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    sys.exit("torch_optim_fixtures.py needs PyTorch: pip install torch (or apt install python3-torch)")
import numpy as np

torch.set_default_dtype(torch.float64)
warnings.simplefilter("ignore")  # SequentialLR's deprecated step(epoch) warns on every milestone
RNG = np.random.default_rng(20240611)
OUT_DIR = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "torch_optim"
SHAPES = [(2, 3), (4,)]
STEPS = 5


def f32(a):
    """Rounds to 6 significant digits, then to float32: values that JSON holds exactly."""
    a = np.asarray(a, dtype=np.float64)
    r = np.array([float(f"{v:.6g}") for v in a.ravel()]).reshape(a.shape)
    return r.astype(np.float32).astype(np.float64)


def encode(t):
    return None if t is None else {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1)]}


def torch_name(key):
    special = {"tMax": "T_max"}
    return special.get(key, re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), key))


def torch_options(options):
    return {torch_name(k): tuple(v) if k == "betas" else v for k, v in options.items()}


# ---- optimizers -----------------------------------------------------------------------------


def optimizer_case(name, optimizer, options, groups=None, missing=()):
    """Five steps from fixed parameters with fixed per-step gradients; `missing` lists (step, param)
    pairs that get no gradient (the optimizer must skip them)."""
    start = [f32(RNG.standard_normal(s)) for s in SHAPES]
    grads = [
        [None if (k, i) in missing else f32(RNG.standard_normal(s) * RNG.uniform(0.1, 3.0)) for i, s in enumerate(SHAPES)]
        for k in range(STEPS)
    ]
    params = [torch.tensor(v, requires_grad=True) for v in start]
    if groups is None:
        opt = getattr(torch.optim, optimizer)(params, **torch_options(options))
    else:
        torch_groups = [{**torch_options({k: v for k, v in g.items() if k != "params"}), "params": [params[i] for i in g["params"]]} for g in groups]
        opt = getattr(torch.optim, optimizer)(torch_groups, **torch_options(options))
    expected = []
    for step in grads:
        for p, g in zip(params, step):
            p.grad = None if g is None else torch.tensor(g)
        opt.step()
        expected.append([encode(p) for p in params])
    case = {
        "name": name,
        "optimizer": optimizer,
        "options": options,
        "params": [encode(torch.tensor(v)) for v in start],
        "grads": [[None if g is None else encode(torch.tensor(g)) for g in step] for step in grads],
        "expected": expected,
    }
    if groups is not None:
        case["groups"] = groups
    return case


def optimizer_cases():
    two_groups = [{"params": [0]}, {"params": [1], "lr": 0.02}]
    return [
        optimizer_case("sgd/plain", "SGD", {"lr": 0.1}),
        optimizer_case("sgd/momentum_weight_decay", "SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.1, "weightDecay": 0.01}),
        optimizer_case("sgd/nesterov", "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
        optimizer_case("sgd/nesterov_weight_decay", "SGD", {"lr": 0.1, "momentum": 0.8, "nesterov": True, "weightDecay": 0.05}),
        optimizer_case("sgd/maximize_missing_grad", "SGD", {"lr": 0.1, "momentum": 0.5, "maximize": True}, missing={(1, 0), (2, 1)}),
        optimizer_case("sgd/param_groups", "SGD", {"lr": 0.1}, [{"params": [0], "momentum": 0.9}, {"params": [1], "lr": 0.01, "weightDecay": 0.1}]),
        optimizer_case("adam/default", "Adam", {"lr": 0.1}),
        optimizer_case("adam/weight_decay_betas", "Adam", {"lr": 0.05, "betas": [0.8, 0.99], "weightDecay": 0.1, "eps": 1e-6}),
        optimizer_case("adam/amsgrad", "Adam", {"lr": 0.05, "amsgrad": True}),
        optimizer_case("adam/maximize_missing_grad", "Adam", {"lr": 0.05, "maximize": True}, missing={(0, 1), (3, 0)}),
        optimizer_case("adam/param_groups", "Adam", {"lr": 0.05}, [{"params": [0], "betas": [0.5, 0.9]}, {"params": [1], "lr": 0.02, "weightDecay": 0.1}]),
        optimizer_case("adamw/default", "AdamW", {"lr": 0.1}),
        optimizer_case("adamw/weight_decay", "AdamW", {"lr": 0.05, "weightDecay": 0.3, "betas": [0.85, 0.995]}),
        optimizer_case("adamw/amsgrad", "AdamW", {"lr": 0.05, "amsgrad": True, "weightDecay": 0.1}),
        optimizer_case("adamw/param_groups", "AdamW", {"lr": 0.05}, two_groups),
        optimizer_case("rmsprop/default", "RMSprop", {"lr": 0.01}),
        optimizer_case("rmsprop/centered_momentum", "RMSprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.9, "centered": True, "weightDecay": 0.01}),
        optimizer_case("rmsprop/momentum", "RMSprop", {"lr": 0.02, "momentum": 0.5, "eps": 1e-4}),
        optimizer_case("adagrad/default", "Adagrad", {"lr": 0.1}),
        optimizer_case("adagrad/lr_decay_accumulator", "Adagrad", {"lr": 0.1, "lrDecay": 0.05, "initialAccumulatorValue": 0.1, "weightDecay": 0.01, "eps": 1e-6}),
    ]


# ---- learning-rate schedules ----------------------------------------------------------------

SCHED = torch.optim.lr_scheduler


def make_scheduler(opt, spec):
    options = dict(spec["options"])
    if spec["scheduler"] == "SequentialLR":
        inner = [make_scheduler(opt, s) for s in options["schedulers"]]
        return SCHED.SequentialLR(opt, inner, milestones=options["milestones"])
    return getattr(SCHED, spec["scheduler"])(opt, **torch_options(options))


def momentum_of(opt):
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]


def scheduler_case(name, scheduler, options, optimizer=("SGD", {"momentum": 0.9}), group_lrs=(0.1, 0.01), steps=30, metrics=None):
    kind, opt_options = optimizer
    params = [torch.zeros(2, requires_grad=True) for _ in group_lrs]
    opt = getattr(torch.optim, kind)([{"params": [p], "lr": lr} for p, lr in zip(params, group_lrs)], **torch_options(opt_options))
    sched = make_scheduler(opt, {"scheduler": scheduler, "options": options})
    last_lr = lambda: list(sched.get_last_lr()) if hasattr(sched, "get_last_lr") else [g["lr"] for g in opt.param_groups]
    lrs = [last_lr()]
    momentum = [momentum_of(opt)]
    for k in range(steps):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[k])
        lrs.append(last_lr())
        momentum.append(momentum_of(opt))
    case = {
        "name": name,
        "scheduler": scheduler,
        "options": options,
        "optimizer": {"type": kind, "options": opt_options, "groupLrs": list(group_lrs)},
        "steps": steps,
        "lrs": lrs,
    }
    if metrics is not None:
        case["metrics"] = metrics
    if scheduler == "OneCycleLR":
        case["momentum"] = momentum
    return case


def scheduler_cases():
    plateau = [1.0, 0.9, 0.85, 0.86, 0.87, 0.84, 0.84, 0.85, 0.83, 0.9, 0.91, 0.92, 0.7, 0.71, 0.72,
               0.73, 0.74, 0.69, 0.69, 0.7, 0.7, 0.7, 0.68, 0.75, 0.76, 0.77, 0.78, 0.79, 0.8, 0.81]
    accuracy = [0.5, 0.6, 0.605, 0.61, 0.7, 0.7, 0.69, 0.71, 0.72, 0.715, 0.8, 0.79, 0.795, 0.8, 0.81,
                0.805, 0.82, 0.83, 0.84, 0.835, 0.83, 0.84, 0.85, 0.85, 0.85, 0.86, 0.86, 0.87, 0.87, 0.87]
    adam = ("Adam", {"betas": [0.9, 0.999]})
    return [
        scheduler_case("step", "StepLR", {"stepSize": 7, "gamma": 0.5}),
        scheduler_case("multi_step", "MultiStepLR", {"milestones": [5, 12, 12, 20], "gamma": 0.3}),
        scheduler_case("exponential", "ExponentialLR", {"gamma": 0.9}),
        scheduler_case("cosine/restarts_past_t_max", "CosineAnnealingLR", {"tMax": 10, "etaMin": 0.001}),
        scheduler_case("cosine/whole_run", "CosineAnnealingLR", {"tMax": 30}),
        scheduler_case("linear/warm_up", "LinearLR", {"startFactor": 0.25, "endFactor": 1.0, "totalIters": 8}),
        scheduler_case("linear/decay", "LinearLR", {"startFactor": 1.0, "endFactor": 0.1, "totalIters": 20}),
        scheduler_case("constant", "ConstantLR", {"factor": 0.5, "totalIters": 4}),
        scheduler_case("sequential/linear_warm_up_then_cosine", "SequentialLR", {
            "schedulers": [
                {"scheduler": "LinearLR", "options": {"startFactor": 0.1, "totalIters": 5}},
                {"scheduler": "CosineAnnealingLR", "options": {"tMax": 25, "etaMin": 0.0005}},
            ],
            "milestones": [5],
        }),
        scheduler_case("sequential/three", "SequentialLR", {
            "schedulers": [
                {"scheduler": "ConstantLR", "options": {"factor": 0.2, "totalIters": 3}},
                {"scheduler": "ExponentialLR", "options": {"gamma": 0.8}},
                {"scheduler": "StepLR", "options": {"stepSize": 4, "gamma": 0.5}},
            ],
            "milestones": [4, 12],
        }),
        scheduler_case("one_cycle/cos_sgd", "OneCycleLR", {"maxLr": 0.5, "totalSteps": 30}),
        scheduler_case("one_cycle/linear_three_phase_adam", "OneCycleLR", {
            "maxLr": [0.01, 0.02], "totalSteps": 30, "pctStart": 0.25, "annealStrategy": "linear", "threePhase": True,
            "divFactor": 10.0, "finalDivFactor": 100.0, "baseMomentum": 0.8, "maxMomentum": [0.9, 0.95],
        }, optimizer=adam),
        scheduler_case("one_cycle/epochs_no_momentum", "OneCycleLR", {
            "maxLr": 0.2, "epochs": 3, "stepsPerEpoch": 10, "pctStart": 0.4, "cycleMomentum": False,
        }),
        scheduler_case("plateau/min_rel", "ReduceLROnPlateau", {
            "factor": 0.5, "patience": 2, "cooldown": 1, "minLr": 0.002,
        }, metrics=plateau),
        scheduler_case("plateau/max_abs", "ReduceLROnPlateau", {
            "mode": "max", "thresholdMode": "abs", "threshold": 0.01, "patience": 1, "factor": 0.3, "minLr": [0.01, 0.0005],
        }, metrics=accuracy),
    ]


# ---- gradient clipping ----------------------------------------------------------------------


def clip_case(name, fn, args):
    shapes = [(2, 3), (4,), (3,), (2, 2)]
    grads = [None if i == 2 else f32(RNG.standard_normal(s) * 0.8) for i, s in enumerate(shapes)]
    params = [torch.zeros(s, requires_grad=True) for s in shapes]
    for p, g in zip(params, grads):
        p.grad = None if g is None else torch.tensor(g)
    given = [encode(p.grad) for p in params]
    if fn == "clipGradNorm":
        total = float(torch.nn.utils.clip_grad_norm_(params, *args))
    else:
        torch.nn.utils.clip_grad_value_(params, *args)
        total = None
    case = {"name": name, "fn": fn, "args": [a if math.isfinite(a) else "inf" for a in args], "grads": given, "clipped": [encode(p.grad) for p in params]}
    if total is not None:
        case["total"] = total
    return case


def clip_cases():
    return [
        clip_case("norm2/clips", "clipGradNorm", [1.0]),
        clip_case("norm2/no_clip", "clipGradNorm", [100.0]),
        clip_case("norm1", "clipGradNorm", [2.0, 1.0]),
        clip_case("norm3", "clipGradNorm", [0.5, 3.0]),
        clip_case("norm_inf", "clipGradNorm", [0.5, math.inf]),
        clip_case("value", "clipGradValue", [0.4]),
    ]


def main():
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name, cases in [("optimizers", optimizer_cases()), ("schedulers", scheduler_cases()), ("clip", clip_cases())]:
        doc = {"generator": "scripts/torch_optim_fixtures.py", "torch": torch.__version__, "cases": cases}
        text = json.dumps(doc, separators=(",", ":"), allow_nan=False)
        path = OUT_DIR / f"{name}.json"
        path.write_text(text + "\n")
        print(f"wrote {path.relative_to(OUT_DIR.parents[2])}: {len(cases)} cases, {len(text) / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
