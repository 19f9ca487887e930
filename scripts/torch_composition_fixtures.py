#!/usr/bin/env python3
"""PyTorch parity fixtures for random COMPOSITIONS of tessera's ops: test/fixtures/torch_compositions/.

Run:  /usr/bin/python3 scripts/torch_composition_fixtures.py [--cases N] [--seed S]

Single-op fixtures (scripts/torch_fixtures.py) miss what only shows when ops meet: a log-softmax
that loses precision next to a large max, a gradient that is NaN where a spread is zero. This
script draws seeded random expression graphs of 2-5 ops (elementwise, broadcasting arithmetic,
reductions with keepDim, var/std, softmax/logSoftmax/logSumExp, matmul, movement ops, losses) over
inputs with extreme values (magnitudes near +-1000, rows of zero or tiny spread, broadcast
shapes), and records what float64 PyTorch computes: every step's value, and the gradient of every
input for a random upstream gradient. test/torch_parity_compositions.test.ts replays them on every
tessera backend.

Tolerances come from PyTorch itself: the same graph is run in float32, and three times in float64
with every step's output moved by about one float32 rounding step (as an implementation that
sums in another order may be); each recorded tensor carries `atol` = 10 x the largest deviation
of these variants from float64 (at least 1e-6): a composition that is ill-conditioned in float32
gets the slack it needs, a well-conditioned one stays tight. The inputs themselves are exact
float32 values, never moved, so an op applied to them is held to its own float32 accuracy. The
relative tolerance is the replay's (2e-5). This is an estimate, not a bound: over 9,000 cases
drawn with seeds 7 to 12, tessera (both backends) passed all but 2, by errors under 4e-6 in
ill-conditioned gradients; the committed seed passes. Review a failure after changing the seed
or the count before calling it a bug (`--cases 1500 --seed 8` shows one).

Format (tensor specs as in scripts/torch_fixtures.py, plus an optional "atol"):
  {"generator": ..., "torch": ..., "seed": S, "cases": [case, ...]}
  case = {"name": "composition/007",
          "inputs": [tensor, ...],                    # leaves: float32 ones require grad
          "steps": [{"op": "logSoftmax", "args": [{"ref": 0} | number, ...], "options": {...}}, ...],
                                                      # refs index inputs, then step outputs
          "outs": [tensor, ...],                      # float64 torch value of each step
          "upstream": tensor,                         # gradient fed to the last step
          "grads": [tensor | null, ...]}              # per input: d(sum(last * upstream)) / d(input)
"""

import argparse
import json
import math
import os
import sys
from pathlib import Path

try:
    import torch
except ImportError:
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    sys.exit("torch_composition_fixtures.py needs PyTorch: apt install python3-torch (or pip install torch)")
import numpy as np
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
import torch_fixtures as tf  # noqa: E402  (the torch side of every single op, by tessera's names)

OUT_DIR = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "torch_compositions"
OPS = {op: fn for fam in tf.FAMILIES.values() for op, fn in fam.items()}
OPS.update(
    {
        "mseLoss": lambda x, t, reduction="mean": F.mse_loss(x, t, reduction=reduction),
        "nllLoss": lambda x, t, reduction="mean": F.nll_loss(x, t, reduction=reduction),
        "var": lambda x, dim=None, correction=None, unbiased=None, keepDim=False: torch.var(
            x, tf.dims(x, dim), unbiased=unbiased if unbiased is not None else correction != 0, keepdim=keepDim
        ),
        "std": lambda x, dim=None, correction=None, unbiased=None, keepDim=False: torch.std(
            x, tf.dims(x, dim), unbiased=unbiased if unbiased is not None else correction != 0, keepdim=keepDim
        ),
    }
)
UNARY = ["neg", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "square", "softplus", "gelu", "silu", "sin"]
REDUCE = ["sum", "mean", "max", "min", "logSumExp", "var", "std"]


class Rejected(Exception):
    """The drawn step does not apply here (shape, domain): draw another."""


class Gen:
    """Draws one case: inputs, then steps applied to the latest value, checked as they go."""

    def __init__(self, rng):
        self.rng = rng
        self.inputs = []  # (values as float64 numpy, dtype)
        self.steps = []  # args refer to {"in": i} or {"step": k} while drawing (see numbered())
        self.input_vals = []  # float64 torch values of the inputs and of the steps (for drawing)
        self.step_vals = []

    # ---- inputs ---------------------------------------------------------------------------

    def add_input(self, values, dtype="float32"):
        values = tf.f32(values) if dtype == "float32" else np.asarray(values)
        self.inputs.append((values, dtype))
        self.input_vals.append(torch.tensor(values, dtype=torch.float64 if dtype == "float32" else torch.int64))
        return {"in": len(self.inputs) - 1}

    def draw_values(self, shape):
        """Values of one of the extreme kinds: plain, large magnitude, zero or tiny spread, mixed rows."""
        r = self.rng
        kind = r.choice(["normal", "normal", "large", "flat", "tiny", "rows"])
        if kind == "normal":
            return r.standard_normal(shape) * r.choice([0.1, 1.0, 5.0])
        if kind == "large":
            return r.choice([-1000.0, 1000.0]) + r.standard_normal(shape) * r.choice([1.0, 5.0])
        if kind == "flat":
            return np.full(shape, float(r.choice([0.0, 1.5, -3.0, 1000.0])))
        if kind == "tiny":
            return r.choice([0.0, 1.0, 100.0]) + r.standard_normal(shape) * 1e-3
        out = r.standard_normal(shape)
        if len(shape) >= 2:  # some rows constant, some large
            for i in range(shape[0]):
                pick = r.integers(0, 3)
                if pick == 0:
                    out[i] = float(r.standard_normal())
                elif pick == 1:
                    out[i] = 1000.0 + r.standard_normal(shape[1:]) * 5.0
        return out

    def random_shape(self):
        rank = int(self.rng.integers(1, 4))
        return tuple(int(self.rng.integers(1, 6)) for _ in range(rank))

    def broadcast_shape(self, shape):
        """A shape that broadcasts against `shape`: some dims 1, maybe leading dims dropped."""
        s = [1 if self.rng.random() < 0.4 else d for d in shape]
        drop = int(self.rng.integers(0, len(s) + 1)) if self.rng.random() < 0.3 else 0
        return tuple(s[drop:])

    # ---- steps ----------------------------------------------------------------------------

    def cur(self):
        """The value the next step applies to: the last step's output, or the first input."""
        return {"step": len(self.steps) - 1} if self.steps else {"in": 0}

    def value(self, ref):
        return self.input_vals[ref["in"]] if "in" in ref else self.step_vals[ref["step"]]

    def apply(self, op, args, **options):
        vals = [self.value(a) if isinstance(a, dict) else a for a in args]
        try:
            out = OPS[op](*vals, **options)
        except (RuntimeError, IndexError, ValueError) as e:
            raise Rejected(str(e)) from e
        if not torch.is_tensor(out) or out.numel() == 0 or out.dtype != torch.float64:
            raise Rejected("not a float tensor")
        if not torch.isfinite(out).all() or out.abs().max() > 1e6:
            raise Rejected("non-finite or huge")
        self.steps.append({"op": op, "args": args, "options": options})
        self.step_vals.append(out)

    def dim(self, x):
        return int(self.rng.integers(-x.dim(), x.dim()))

    def step(self, last):
        r = self.rng
        me = self.cur()
        x = self.value(me)
        family = r.choice(["unary", "binary", "reduce", "softmax", "matmul", "movement"] + (["loss"] * 2 if last else []))
        if x.dim() == 0 and family not in ("unary", "binary"):
            raise Rejected("a scalar")
        if family == "unary":
            op = str(r.choice(UNARY))
            if op in ("log", "sqrt") and x.min() <= 1e-3:
                raise Rejected("domain")
            if op == "exp" and x.max() > 30:
                raise Rejected("overflow")
            self.apply(op, [me])
        elif family == "binary":
            op = str(r.choice(["add", "sub", "mul", "div"]))
            if r.random() < 0.3:
                other = float(tf.f32([r.choice([-2.5, 0.5, 3.0, 1000.0])])[0])
            else:
                shape = self.broadcast_shape(tuple(x.shape)) if r.random() < 0.7 else tuple(x.shape)
                v = self.draw_values(shape)
                if op == "div":
                    v = np.sign(v + 1e-9) * (np.abs(v) + 0.5)
                other = self.add_input(v)
            self.apply(op, [me, other] if r.random() < 0.7 else [other, me])
        elif family == "reduce":
            op = str(r.choice(REDUCE))
            opts = {"keepDim": bool(r.random() < 0.5)}
            if r.random() < 0.8:
                opts["dim"] = self.dim(x) if r.random() < 0.7 else sorted({self.dim(x) % x.dim() for _ in range(2)})
            if op in ("var", "std"):
                if r.random() < 0.5:
                    opts["correction"] = int(r.integers(0, 2))
                else:
                    opts["unbiased"] = bool(r.random() < 0.5)
            self.apply(op, [me], **opts)
        elif family == "softmax":
            op = str(r.choice(["softmax", "logSoftmax", "logSumExp"]))
            opts = {"dim": self.dim(x)}
            if op == "logSumExp":
                opts["keepDim"] = bool(r.random() < 0.5)
            self.apply(op, [me], **opts)
        elif family == "matmul":
            k = int(r.integers(1, 5))
            w = self.add_input(r.standard_normal((x.shape[-1], k)) * r.choice([0.1, 1.0]))
            self.apply("matmul", [me, w])
        elif family == "movement":
            op = str(r.choice(["transpose", "permute", "reshape", "unsqueeze", "narrow", "select", "expand"]))
            n = x.dim()
            if op == "transpose":
                if n < 2:
                    raise Rejected("rank")
                self.apply(op, [me], dim0=self.dim(x), dim1=self.dim(x))
            elif op == "permute":
                self.apply(op, [me], dims=[int(d) for d in r.permutation(n)])
            elif op == "reshape":
                self.apply(op, [me], shape=[-1] if r.random() < 0.5 else [int(x.shape[0]), -1])
            elif op == "unsqueeze":
                self.apply(op, [me], dim=int(r.integers(-n - 1, n + 1)))
            elif op == "expand":
                if 1 not in x.shape:
                    raise Rejected("nothing to expand")
                self.apply(op, [me], shape=[3 if d == 1 else int(d) for d in x.shape])
            else:
                d = self.dim(x)
                size = int(x.shape[d])
                if op == "select":
                    if n < 2:
                        raise Rejected("rank")
                    self.apply(op, [me], dim=d, index=int(r.integers(-size, size)))
                else:
                    start = int(r.integers(0, size))
                    self.apply(op, [me], dim=d, start=start, length=int(r.integers(1, size - start + 1)))
        else:  # loss: the last step
            op = str(r.choice(["crossEntropy", "mseLoss", "nllLoss"]))
            reduction = str(r.choice(["mean", "sum", "none"]))
            if op == "mseLoss":
                t = self.add_input(self.draw_values(tuple(x.shape)))
                self.apply(op, [me, t], reduction=reduction)
                return
            if x.dim() != 2 or x.shape[1] < 2:
                raise Rejected("needs (N, C)")
            if op == "nllLoss":
                self.apply("logSoftmax", [me], dim=1)
            t = self.add_input(r.integers(0, x.shape[1], (x.shape[0],)), "int32")
            self.apply(op, [self.cur(), t], reduction=reduction)

    def draw(self, n_steps):
        self.add_input(self.draw_values(self.random_shape()))
        tries = 0
        while len(self.steps) < n_steps:
            tries += 1
            if tries > 200:
                raise Rejected("no step applies")
            saved = list(self.inputs), list(self.steps), list(self.input_vals), list(self.step_vals)
            try:
                self.step(last=len(self.steps) >= n_steps - 2)
            except Rejected:
                self.inputs, self.steps, self.input_vals, self.step_vals = saved

    def numbered(self):
        """The steps with refs as numbers: inputs first, then step outputs."""
        n = len(self.inputs)
        num = lambda a: (a["in"] if "in" in a else n + a["step"]) if isinstance(a, dict) else a  # noqa: E731
        return [{**s, "args": [{"ref": num(a)} if isinstance(a, dict) else a for a in s["args"]]} for s in self.steps]


# ---- replaying a drawn graph in torch (float64 with gradients, and float32) ------------------


def run(gen, dtype, upstream=None, jitter=None):
    """The graph on fresh leaves of `dtype`: step outputs, and input gradients when `upstream`.
    With `jitter` (a phase), every step's float output v is scaled by 1 + u(v) * 2^-23 with u(v) in
    [-1, 1] a pseudo-random function of the value: about one float32 rounding step, as a float32
    implementation that sums in another order may differ by, carried through the rest of the graph
    and its backward pass. Equal values stay equal (any implementation computes them alike), so a
    spread of exactly zero stays zero."""
    leaves = []
    for values, kind in gen.inputs:
        if kind == "float32":
            leaves.append(torch.tensor(values, dtype=dtype, requires_grad=upstream is not None))
        else:
            leaves.append(torch.tensor(values, dtype=torch.int64))
    vals = list(leaves)
    for s in gen.numbered():
        args = [vals[a["ref"]] if isinstance(a, dict) else a for a in s["args"]]
        out = OPS[s["op"]](*args, **s["options"])
        if jitter is not None and out.dtype == torch.float64:
            out = out * (1 + torch.sin(out.detach() * 9973.0 + jitter) * 2.0**-23)
        vals.append(out)
    outs = vals[len(leaves):]
    grads = None
    if upstream is not None:
        outs[-1].backward(upstream.to(dtype))
        grads = [leaf.grad if leaf.requires_grad else None for leaf in leaves]
    return outs, grads


def spec(t, variants):
    """A tensor spec of float64 `t`, with atol = 10 x the largest deviation of its float32 `variants`
    (PyTorch in float32, and float64 runs jittered by a float32 step at every op)."""
    s = tf.encode_tensor(t)
    if t.dtype == torch.float64:
        err = 0.0
        for v in variants:
            d = (v.double() - t.detach()).abs().nan_to_num(0.0)
            err = max(err, float(d.max()) if d.numel() else 0.0)
        s["atol"] = float(f"{max(1e-6, 10 * err):.3g}")
    return s


def make_case(rng, index):
    while True:
        gen = Gen(rng)
        try:
            gen.draw(int(rng.integers(2, 6)))
        except Rejected:
            continue
        last = gen.step_vals[-1]
        upstream = torch.tensor(tf.f32(rng.standard_normal(tuple(last.shape))))
        outs, grads = run(gen, torch.float64, upstream)
        variants = [run(gen, torch.float32, upstream)] + [run(gen, torch.float64, upstream, phase) for phase in (0.5, 1.5, 2.5)]
        if any(g is not None and not torch.isfinite(g).all() for g in grads):
            continue  # a NaN gradient in torch itself (e.g. sqrt at 0): nothing to compare
        if any(g is not None and g.abs().max() > 1e6 for g in grads):
            continue
        inputs = []
        for (values, kind), g in zip(gen.inputs, grads):
            s = tf.encode(values, kind, 6)
            if g is not None:
                s["grad"] = True
            inputs.append(s)
        return {
            "name": f"composition/{index:03d}",
            "inputs": inputs,
            "steps": gen.numbered(),
            "outs": [spec(o, [v[0][k] for v in variants]) for k, o in enumerate(outs)],
            "upstream": tf.encode(upstream.numpy(), "float32", 6),
            "grads": [None if g is None else spec(g, [v[1][k] for v in variants]) for k, g in enumerate(grads)],
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=250)
    parser.add_argument("--seed", type=int, default=20261207)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    cases = [make_case(rng, i) for i in range(args.cases)]
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / "compositions.json"
    doc = {"generator": "scripts/torch_composition_fixtures.py", "torch": torch.__version__, "seed": args.seed, "cases": cases}
    text = json.dumps(doc, separators=(",", ":"), allow_nan=False)
    path.write_text(text + "\n")
    ops = {}
    for c in cases:
        for s in c["steps"]:
            ops[s["op"]] = ops.get(s["op"], 0) + 1
    print(f"wrote {path.relative_to(OUT_DIR.parents[2])}: {len(cases)} cases, {len(text) / 1024:.1f} KiB")
    print("steps per op: " + ", ".join(f"{k} {v}" for k, v in sorted(ops.items())))


if __name__ == "__main__":
    main()
