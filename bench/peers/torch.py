#!/usr/bin/env python3
"""PyTorch CPU peer of tessera's benchmarks, driven by bench/peers/torch.ts.

Protocol: one JSON request per line on stdin, one JSON answer per line on stdout.
  {"cmd": "init", "threads": N}            -> {"ok": true, "torch": ..., "threads": N, ...}
  {"cmd": "run", "case": {"kind", "conv"}, "inputs": [{"name", "path", "shape"}], "policy": {...}}
                                           -> {"status": "ok", "perCallMs": [...], "inner": k, "fromWarmup": b, "checksum": s}
                                              or {"status": "unsupported" | "error", "reason": ...}
  {"cmd": "quit"}
Inputs arrive as raw little-endian float32 files written by the harness (the same data every
framework gets). Timing mirrors `measure` in bench/harness.ts; keep the two in step.
"""
import json
import os
import platform
import sys

# This file is named torch.py: keep its own folder off the import path, or `import torch` finds it.
_HERE = os.path.dirname(os.path.realpath(__file__))
sys.path[:] = [p for p in sys.path if os.path.realpath(p or os.getcwd()) != _HERE]

import importlib.util  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def _sibling(name):
    """Imports bench/peers/<name>.py by path (this folder is off sys.path, see above)."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(_HERE, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


torch_training = _sibling("torch_training")  # the model cases (bench/training.ts)
measure = _sibling("timing").measure  # the timing loop shared with the other Python peers


def load(spec):
    n = 1
    for d in spec["shape"]:
        n *= d
    return torch.from_file(spec["path"], size=n, dtype=torch.float32).reshape(spec["shape"])


def prepare(case, inputs):
    """Returns (call, outputs): the timed call, and a function giving the results as tensors."""
    kind = case["kind"]
    if kind == "conv2d":
        return prepare_conv(case, inputs)
    if kind in ("train", "infer"):
        return torch_training.prepare_model_case(case, inputs)
    a = inputs.get("a", inputs.get("x"))
    b = inputs.get("b")
    ops = {
        "matmul": lambda: torch.matmul(a, b),
        "add": lambda: torch.add(a, b),
        "scalarAdd": lambda: torch.add(a, b),
        "exp": lambda: torch.exp(a),
        "relu": lambda: torch.relu(a),
        "softmax": lambda: torch.softmax(a, dim=-1),
    }
    if kind not in ops:
        raise NotImplementedError(f"torch peer: unknown kind {kind!r}")
    op = ops[kind]
    return op, lambda: [op()]


def prepare_conv(case, inputs):
    p = case["conv"]
    x, w, b, dy = inputs["x"], inputs["w"], inputs["b"], inputs.get("dy")  # NCHW, OIHW, (O), NCHW
    if not p["backward"]:
        def forward():
            return F.conv2d(x, w, b, stride=p["stride"], padding=p["padding"])
        return forward, lambda: [forward()]
    leaves = [x, w, b] if p["gradInput"] else [w, b]
    for t in leaves:
        t.requires_grad_(True)

    def step():
        y = F.conv2d(x, w, b, stride=p["stride"], padding=p["padding"])
        y.backward(dy)
        grads = [t.grad for t in leaves]
        for t in leaves:
            t.grad = None  # zero_grad(set_to_none=True)
        return grads

    return step, step


def blas_info():
    """The BLAS library torch loaded (Linux), e.g. 'reference (netlib) /usr/lib/.../libblas.so.3.11.0'."""
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if "blas" in line.lower() or "mkl" in line.lower()})
    except OSError:
        libs = []
    if not libs:
        built = [p.strip() for p in torch.__config__.show().replace("\n", ",").split(",") if "BLAS_INFO=" in p]
        return built[0] if built else "unknown"
    lib = libs[0]
    low = lib.lower()
    kind = ("OpenBLAS" if "openblas" in low else "MKL" if "mkl" in low else "BLIS" if "blis" in low
            else "reference (netlib)" if "/blas/libblas" in low or "libblas.so" in low else "other")
    return f"{kind} {lib}"


def handle(req):
    cmd = req["cmd"]
    if cmd == "init":
        torch.set_num_threads(int(req["threads"]))
        return {
            "ok": True, "torch": torch.__version__, "threads": torch.get_num_threads(),
            "python": platform.python_version(), "blas": blas_info(),
            "mkldnn": torch.backends.mkldnn.is_available(),
        }
    if cmd == "run":
        try:
            inputs = {s["name"]: load(s) for s in req["inputs"]}
            call, outputs = prepare(req["case"], inputs)
            checksum = sum(float(t.detach().abs().double().sum()) for t in outputs())
            per_call, inner, from_warmup = measure(call, req["policy"])
            return {"status": "ok", "perCallMs": per_call, "inner": inner, "fromWarmup": from_warmup, "checksum": checksum}
        except NotImplementedError as e:
            return {"status": "unsupported", "reason": str(e)}
        except Exception as e:  # reported in the table, the run goes on
            return {"status": "error", "reason": f"{type(e).__name__}: {e}"}
    raise ValueError(f"torch peer: unknown command {cmd!r}")


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        if req.get("cmd") == "quit":
            break
        sys.stdout.write(json.dumps(handle(req)) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
