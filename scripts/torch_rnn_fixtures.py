#!/usr/bin/env python3
"""PyTorch parity fixtures for tessera's recurrent layers: writes test/fixtures/torch_rnn/rnn.json.

Run:  /usr/bin/python3 scripts/torch_rnn_fixtures.py

Each case builds torch.nn.RNN/LSTM/GRU (or a cell) in float64 with float32-exact weights and
inputs, runs it (with initial states and per-sequence lengths through pack_padded_sequence /
pad_packed_sequence(total_length=T) where the case says so), and records the outputs and, for
random upstream gradients on every output, the gradients of the input, the initial states and
every parameter. test/rnn_parity.test.ts replays the cases without Python.

  case = {"name", "kind": "LSTM" | "GRU" | "RNN" | "LSTMCell" | "GRUCell" | "RNNCell",
          "inputSize", "hiddenSize", "options": {tessera option names},
          "state": {torch parameter name: tensor}, "x": tensor, "h0"?: tensor, "c0"?: tensor,
          "lengths"?: [int], "outs": {"output"|"hN"|"cN"|"h"|"c": tensor},
          "upstream": {same keys: tensor}, "grads": {"x"|"h0"|"c0"|param name: tensor}}
  tensor = {"shape": [...], "data": [flat, row-major]}
"""

import json
import os
import sys
from pathlib import Path

try:
    import torch
except ImportError:
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    raise

from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

torch.manual_seed(0)
OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "torch_rnn" / "rnn.json"


def f32(t):
    return t.float().double()


def spec(t):
    return {"shape": list(t.shape), "data": [float(v) for v in t.detach().reshape(-1).tolist()]}


def rand(*shape):
    return f32(torch.rand(*shape, dtype=torch.float64) * 2 - 1)


SNAKE = {"numLayers": "num_layers", "batchFirst": "batch_first", "projSize": "proj_size", "bias": "bias",
         "bidirectional": "bidirectional", "nonlinearity": "nonlinearity"}


def seq_case(name, kind, I, H, options, T=5, B=3, h0=False, c0=False, lengths=None, unbatched=False):
    kw = {SNAKE[k]: v for k, v in options.items()}
    m = getattr(torch.nn, kind)(I, H, **kw).double()
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(f32(p))
    bf = options.get("batchFirst", False)
    D = 2 if options.get("bidirectional") else 1
    L = options.get("numLayers", 1)
    P = options.get("projSize", 0) or H
    if unbatched:
        x = rand(T, I).requires_grad_()
    else:
        x = rand(*((B, T, I) if bf else (T, B, I))).requires_grad_()
    sshape = (L * D, P) if unbatched else (L * D, B, P)
    cshape = (L * D, H) if unbatched else (L * D, B, H)
    hx = rand(*sshape).requires_grad_() if h0 else None
    cx = rand(*cshape).requires_grad_() if c0 else None
    state = None
    if kind == "LSTM" and (h0 or c0):
        state = (hx if hx is not None else torch.zeros(sshape, dtype=torch.float64),
                 cx if cx is not None else torch.zeros(cshape, dtype=torch.float64))
    elif h0:
        state = hx
    inp = x
    if lengths is not None:
        inp = pack_padded_sequence(x, torch.tensor(lengths), batch_first=bf, enforce_sorted=False)
    out, st = m(inp, state)
    if lengths is not None:
        out, _ = pad_packed_sequence(out, batch_first=bf, total_length=T)
    outs = {"output": out}
    if kind == "LSTM":
        outs["hN"], outs["cN"] = st
    else:
        outs["hN"] = st
    ups = {k: rand(*v.shape) for k, v in outs.items()}
    loss = sum((v * ups[k]).sum() for k, v in outs.items())
    loss.backward()
    grads = {"x": spec(x.grad)}
    if hx is not None:
        grads["h0"] = spec(hx.grad)
    if cx is not None:
        grads["c0"] = spec(cx.grad)
    for n, p in m.named_parameters():
        grads[n] = spec(p.grad)
    case = {"name": name, "kind": kind, "inputSize": I, "hiddenSize": H, "options": options,
            "state": {n: spec(p) for n, p in m.named_parameters()}, "x": spec(x),
            "outs": {k: spec(v) for k, v in outs.items()}, "upstream": {k: spec(v) for k, v in ups.items()},
            "grads": grads}
    if hx is not None:
        case["h0"] = spec(hx)
    if cx is not None:
        case["c0"] = spec(cx)
    if lengths is not None:
        case["lengths"] = lengths
    return case


def cell_case(name, kind, I, H, options, B=3):
    kw = {SNAKE[k]: v for k, v in options.items()}
    m = getattr(torch.nn, kind)(I, H, **kw).double()
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(f32(p))
    x = rand(B, I).requires_grad_()
    h = rand(B, H).requires_grad_()
    c = rand(B, H).requires_grad_()
    if kind == "LSTMCell":
        h1, c1 = m(x, (h, c))
        outs = {"h": h1, "c": c1}
    else:
        outs = {"h": m(x, h)}
    ups = {k: rand(*v.shape) for k, v in outs.items()}
    sum((v * ups[k]).sum() for k, v in outs.items()).backward()
    grads = {"x": spec(x.grad), "h0": spec(h.grad)}
    if kind == "LSTMCell":
        grads["c0"] = spec(c.grad)
    for n, p in m.named_parameters():
        grads[n] = spec(p.grad)
    case = {"name": name, "kind": kind, "inputSize": I, "hiddenSize": H, "options": options,
            "state": {n: spec(p) for n, p in m.named_parameters()}, "x": spec(x), "h0": spec(h),
            "outs": {k: spec(v) for k, v in outs.items()}, "upstream": {k: spec(v) for k, v in ups.items()},
            "grads": grads}
    if kind == "LSTMCell":
        case["c0"] = spec(c)
    return case


cases = []
for kind in ["LSTM", "GRU", "RNN"]:
    cases.append(seq_case(f"{kind}/plain", kind, 4, 6, {}))
    cases.append(seq_case(f"{kind}/2layers_bidir_states", kind, 4, 5, {"numLayers": 2, "bidirectional": True},
                          h0=True, c0=(kind == "LSTM")))
    cases.append(seq_case(f"{kind}/batchFirst_lengths", kind, 3, 4, {"batchFirst": True, "numLayers": 2},
                          B=4, lengths=[5, 2, 4, 1], h0=True, c0=(kind == "LSTM")))
    cases.append(seq_case(f"{kind}/bidir_lengths", kind, 3, 4, {"bidirectional": True, "numLayers": 2},
                          B=3, lengths=[3, 5, 1], h0=True))
    cases.append(seq_case(f"{kind}/no_bias_unbatched", kind, 3, 4, {"bias": False}, unbatched=True, h0=True))
cases.append(seq_case("RNN/relu", "RNN", 4, 6, {"nonlinearity": "relu", "numLayers": 2}))
cases.append(seq_case("LSTM/projSize", "LSTM", 4, 6, {"projSize": 3, "numLayers": 2, "bidirectional": True},
                      h0=True, c0=True))
cases.append(seq_case("LSTM/projSize_lengths_batchFirst", "LSTM", 4, 6, {"projSize": 2, "batchFirst": True},
                      B=3, lengths=[2, 5, 3], h0=True, c0=True))
for kind in ["LSTMCell", "GRUCell", "RNNCell"]:
    cases.append(cell_case(f"{kind}/plain", kind, 4, 5, {}))
cases.append(cell_case("RNNCell/relu_no_bias", "RNNCell", 4, 5, {"nonlinearity": "relu", "bias": False}))

OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps({"generator": "scripts/torch_rnn_fixtures.py", "torch": torch.__version__, "cases": cases}) + "\n")
print(f"wrote {len(cases)} cases to {OUT}")
