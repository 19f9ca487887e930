#!/usr/bin/env python3
"""PyTorch parity fixtures for tessera's attention: writes test/fixtures/torch_attention/{sdpa,mha}.json.

Run:  /usr/bin/python3 scripts/torch_attention_fixtures.py

Debian's PyTorch is 1.13, which has no F.scaled_dot_product_attention: its cases come from the
composition PyTorch 2's documentation gives (matmul, scale, bool mask = allowed positions or float
mask added, causal = lower-triangular tril(ones(L, S)), softmax, matmul). MultiheadAttention cases
come from torch 1.13's nn.MultiheadAttention itself, with deterministic weights written as its state
dict; torch 1.13 has no is_causal, so the isCausal case gives torch the causal bool mask and tessera
isCausal alone. Everything runs in float64 on float32-exact inputs; backward takes the gradient of
sum(out * upstream) (+ sum(weights * upstreamWeights) when weights are returned).
test/attention_parity.test.ts replays every case without Python.

Fixture format:
  {"generator": ..., "torch": "<version>", "cases": [case, ...]}
  sdpa case = {"name", "inputs": [q, k, v], "options": {"attnMask"?: tensor, "isCausal"?, "scale"?},
               "out", "upstream", "grads": [gq, gk, gv]}
  mha case  = {"name", "config": {embedDim, numHeads, ...tessera options}, "self": bool (q = k = v),
               "train": bool, "state": {torch name: tensor}, "inputs": [q, k, v],
               "options": {keyPaddingMask?, attnMask?, needWeights, averageAttnWeights, isCausal?},
               "out", "weights" | null, "upstream", "upstreamWeights" | null,
               "inputGrads": [gq, gk, gv] (one entry when self), "paramGrads": {torch name: tensor}}
  tensor = {"shape": [...], "dtype": "float32" | "bool", "data": [flat, row-major]}
"""

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
    sys.exit("torch_attention_fixtures.py needs PyTorch: pip install torch (or apt install python3-torch)")
import numpy as np
from torch import nn

torch.set_default_dtype(torch.float64)
RNG = np.random.default_rng(20261207)
OUT_DIR = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "torch_attention"


def f32(a):
    """Rounds to 6 significant digits, then to float32: values that JSON and float32 hold exactly."""
    a = np.asarray(a, dtype=np.float64)
    r = np.array([float(f"{v:.6g}") for v in a.ravel()]).reshape(a.shape)
    return r.astype(np.float32).astype(np.float64)


def randn(*shape, scale=1.0, grad=True):
    return torch.tensor(f32(RNG.standard_normal(shape) * scale)).requires_grad_(grad)


def encode(t, digits=9):
    t = t.detach()
    if t.dtype == torch.bool:
        return {"shape": list(t.shape), "dtype": "bool", "data": [bool(v) for v in t.reshape(-1).tolist()]}
    data = [float(f"{v:.{digits}g}") for v in t.reshape(-1).tolist()]
    return {"shape": list(t.shape), "dtype": "float32", "data": data}


# ---- scaled_dot_product_attention: PyTorch 2's documented composition ----------------------


def sdpa_reference(q, k, v, attn_mask=None, is_causal=False, scale=None):
    L, S = q.size(-2), k.size(-2)
    scale = 1 / math.sqrt(q.size(-1)) if scale is None else scale
    bias = torch.zeros(L, S)
    if is_causal:
        allowed = torch.ones(L, S, dtype=torch.bool).tril(diagonal=0)
        bias = bias.masked_fill(allowed.logical_not(), float("-inf"))
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            bias = bias.masked_fill(attn_mask.logical_not(), float("-inf"))
        else:
            bias = attn_mask + bias
    w = torch.softmax(q @ k.transpose(-2, -1) * scale + bias, dim=-1)
    return w @ v


def sdpa_case(name, q, k, v, mask=None, is_causal=False, scale=None):
    out = sdpa_reference(q, k, v, mask, is_causal, scale)
    up = torch.tensor(f32(RNG.standard_normal(tuple(out.shape))))
    out.backward(up)
    options = {}
    if mask is not None:
        options["attnMask"] = encode(mask)
    if is_causal:
        options["isCausal"] = True
    if scale is not None:
        options["scale"] = scale
    return {
        "name": f"sdpa/{name}",
        "inputs": [encode(q), encode(k), encode(v)],
        "options": options,
        "out": encode(out),
        "upstream": encode(up),
        "grads": [encode(q.grad), encode(k.grad), encode(v.grad)],
    }


def allowed_mask(*shape):
    """A bool 'allowed' mask (PyTorch 2's convention) with key 0 always allowed, so no row is empty."""
    m = torch.tensor(RNG.uniform(size=shape) < 0.6)
    m[..., 0] = True
    return m


def sdpa_cases():
    c = []
    c.append(sdpa_case("3d", randn(2, 5, 4), randn(2, 5, 4), randn(2, 5, 4)))
    c.append(sdpa_case("4d_L_ne_S_Ev", randn(2, 3, 4, 8), randn(2, 3, 6, 8), randn(2, 3, 6, 5)))
    c.append(sdpa_case("2d", randn(5, 4), randn(7, 4), randn(7, 3)))
    c.append(sdpa_case("bool_mask_LS", randn(2, 2, 5, 4), randn(2, 2, 6, 4), randn(2, 2, 6, 4), mask=allowed_mask(5, 6)))
    c.append(sdpa_case("bool_mask_full", randn(2, 2, 5, 4), randn(2, 2, 6, 4), randn(2, 2, 6, 4), mask=allowed_mask(2, 2, 5, 6)))
    c.append(sdpa_case("float_mask", randn(2, 2, 5, 4), randn(2, 2, 6, 4), randn(2, 2, 6, 4), mask=randn(2, 1, 5, 6, grad=False)))
    c.append(sdpa_case("causal", randn(2, 2, 6, 4), randn(2, 2, 6, 4), randn(2, 2, 6, 4), is_causal=True))
    c.append(sdpa_case("causal_L_lt_S", randn(1, 2, 4, 4), randn(1, 2, 7, 4), randn(1, 2, 7, 3), is_causal=True))
    c.append(sdpa_case("scale", randn(2, 5, 4), randn(2, 6, 4), randn(2, 6, 4), scale=0.3))
    c.append(sdpa_case("broadcast_batch", randn(2, 3, 5, 4), randn(1, 3, 6, 4), randn(1, 3, 6, 4)))
    return c


# ---- nn.MultiheadAttention (torch 1.13) ----------------------------------------------------


def mha_case(name, config, x_shapes, train=False, self_attn=False, kpm=None, attn_mask=None, need_weights=True,
             average=True, is_causal=False):
    E, H = config["embedDim"], config["numHeads"]
    m = nn.MultiheadAttention(E, H, dropout=config.get("dropout", 0.0), bias=config.get("bias", True),
                              add_bias_kv=config.get("addBiasKv", False), kdim=config.get("kdim"),
                              vdim=config.get("vdim"), batch_first=config.get("batchFirst", False)).double()
    with torch.no_grad():
        for _, p in m.named_parameters():
            p.copy_(torch.tensor(f32(RNG.standard_normal(tuple(p.shape)) * 0.5)))
    m.train(train)
    if self_attn:
        x = randn(*x_shapes[0])
        q = k = v = x
        inputs = [x]
    else:
        q, k, v = (randn(*s) for s in x_shapes)
        inputs = [q, k, v]
    torch_mask = attn_mask
    if is_causal:
        L = q.shape[-2] if (config.get("batchFirst") or q.dim() == 2) else q.shape[0]
        torch_mask = torch.ones(L, L, dtype=torch.bool).triu(diagonal=1)  # MultiheadAttention's bool: True = masked
    out, w = m(q, k, v, key_padding_mask=kpm, need_weights=need_weights, attn_mask=torch_mask,
               average_attn_weights=average)
    up = torch.tensor(f32(RNG.standard_normal(tuple(out.shape))))
    loss = (out * up).sum()
    upw = None
    if w is not None:
        upw = torch.tensor(f32(RNG.standard_normal(tuple(w.shape))))
        loss = loss + (w * upw).sum()
    loss.backward()
    options = {"needWeights": need_weights, "averageAttnWeights": average}
    if kpm is not None:
        options["keyPaddingMask"] = encode(kpm)
    if attn_mask is not None:
        options["attnMask"] = encode(attn_mask)
    if is_causal:
        options["isCausal"] = True
    return {
        "name": f"MultiheadAttention/{name}",
        "config": config,
        "self": self_attn,
        "train": train,
        "state": {k: encode(p) for k, p in m.state_dict().items()},
        "inputs": [encode(t) for t in inputs],
        "options": options,
        "out": encode(out),
        "weights": None if w is None else encode(w),
        "upstream": encode(up),
        "upstreamWeights": None if upw is None else encode(upw),
        "inputGrads": [encode(t.grad) for t in inputs],
        "paramGrads": {k: encode(p.grad) for k, p in m.named_parameters() if p.grad is not None},
    }


def masked(*shape):
    """MultiheadAttention's bool mask: True = not allowed, key 0 never masked so no row is empty."""
    m = torch.tensor(RNG.uniform(size=shape) < 0.35)
    m[..., 0] = False
    return m


def mha_cases():
    E, H, L, S, N = 8, 2, 5, 6, 3
    base = {"embedDim": E, "numHeads": H}
    seq = [(L, N, E), (S, N, E), (S, N, E)]
    c = []
    c.append(mha_case("basic", base, seq))
    c.append(mha_case("self", base, [(L, N, E)], self_attn=True))
    c.append(mha_case("batch_first", {**base, "batchFirst": True}, [(N, L, E), (N, S, E), (N, S, E)]))
    c.append(mha_case("per_head_weights", base, seq, average=False))
    c.append(mha_case("no_weights", base, seq, need_weights=False))
    c.append(mha_case("kdim_vdim", {**base, "kdim": 5, "vdim": 3}, [(L, N, E), (S, N, 5), (S, N, 3)]))
    c.append(mha_case("no_bias", {**base, "bias": False}, seq))
    c.append(mha_case("add_bias_kv", {**base, "addBiasKv": True}, seq, kpm=masked(N, S), attn_mask=masked(L, S)))
    c.append(mha_case("mask_2d_bool", base, seq, attn_mask=masked(L, S)))
    c.append(mha_case("mask_2d_float", base, seq, attn_mask=randn(L, S, grad=False)))
    c.append(mha_case("mask_3d_bool", base, seq, attn_mask=masked(N * H, L, S)))
    c.append(mha_case("mask_3d_float", base, seq, attn_mask=randn(N * H, L, S, grad=False)))
    c.append(mha_case("key_padding_bool", base, seq, kpm=masked(N, S)))
    c.append(mha_case("key_padding_float", base, seq, kpm=randn(N, S, grad=False)))
    c.append(mha_case("key_padding_and_mask_bool", base, seq, kpm=masked(N, S), attn_mask=masked(L, S)))
    c.append(mha_case("key_padding_bool_mask_3d_float", {**base, "batchFirst": True}, [(N, L, E), (N, S, E), (N, S, E)],
                      kpm=masked(N, S), attn_mask=randn(N * H, L, S, grad=False), average=False))
    c.append(mha_case("causal", {**base, "batchFirst": True}, [(N, L, E)], self_attn=True, is_causal=True))
    c.append(mha_case("unbatched", base, [(L, E), (S, E), (S, E)], kpm=masked(S), attn_mask=masked(L, S)))
    c.append(mha_case("kdim_vdim_no_weights_batch_first", {"embedDim": 12, "numHeads": 3, "kdim": 4, "vdim": 7, "batchFirst": True},
                      [(2, 4, 12), (2, 3, 4), (2, 3, 7)], need_weights=False, kpm=masked(2, 3)))
    c.append(mha_case("dropout_eval", {**base, "dropout": 0.5}, seq, train=False))
    return c


def main():
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for family, cases in (("sdpa", sdpa_cases()), ("mha", mha_cases())):
        path = OUT_DIR / f"{family}.json"
        gen = {"generator": "scripts/torch_attention_fixtures.py", "torch": torch.__version__, "cases": cases}
        text = json.dumps(gen, separators=(",", ":"))
        path.write_text(text + "\n")
        print(f"{path.relative_to(OUT_DIR.parent.parent.parent)}: {len(cases)} cases, {len(text) / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
