#!/usr/bin/env python3
"""PyTorch fixtures for the Transformer building blocks: test/fixtures/torch_lm/blocks.json.

Run:  /usr/bin/python3 scripts/torch_lm_blocks_fixtures.py

Debian's PyTorch is 1.13, which has gelu(approximate='tanh') but no RMSNorm (added in 2.4) and no
rotary embeddings, so:
  - gelu_tanh: torch.nn.functional.gelu(x, approximate='tanh') itself, float64, forward and backward;
  - rms_norm: PyTorch 2.4's definition composed, x * rsqrt(mean(x^2, normalized dims) + eps) * weight,
    with eps=None meaning torch.finfo(torch.float32).eps (what 2.4 does for float32 inputs);
  - rotary: RoFormer's formula (Su et al. 2021, eq. 34) written out pair by pair: features (a, b)
    at position p rotated by p * theta_i, theta_i = base^(-2i/D); pairs (2i, 2i+1) for the
    interleaved convention, (i, i + D/2) for the half-split (GPT-NeoX / LLaMA) one;
  - sinusoidal: the Transformer tutorial's PositionalEncoding table, in float64.
Every value is float64 torch; inputs are float32-exact. Gradients are of sum(out * upstream).

Format: {"torch": version, "cases": [{"name", "kind", "options", "inputs": {name: tensor},
         "out": tensor, "upstream": tensor | null, "grads": {name: tensor}}]}
with tensor = {"shape": [...], "data": [flat row-major values]}.
"""

import json
import math
import os

import torch

torch.manual_seed(12)
OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'torch_lm', 'blocks.json')


def spec(t):
    return {'shape': list(t.shape), 'data': [float(v) for v in t.detach().reshape(-1).tolist()]}


def leaf(*shape, scale=1.0):
    # float32-exact values, computed on in float64
    return (torch.randn(*shape) * scale).float().double().requires_grad_(True)


def record(name, kind, options, inputs, fn):
    out = fn(**inputs)
    up = torch.randn(out.shape).float().double()
    grads = torch.autograd.grad((out * up).sum(), list(inputs.values()), allow_unused=True)
    return {
        'name': name,
        'kind': kind,
        'options': options,
        'inputs': {k: spec(v) for k, v in inputs.items()},
        'out': spec(out),
        'upstream': spec(up),
        'grads': {k: spec(g) for k, g in zip(inputs, grads) if g is not None},
    }


cases = []

# ---- GELU, tanh approximation ----
x = torch.cat([torch.linspace(-8, 8, 161), torch.tensor([-20.0, -5.5, -1e-3, 0.0, 1e-3, 5.5, 20.0])]).float().double()
cases.append(record('gelu/tanh', 'gelu_tanh', {}, {'x': x.requires_grad_(True)},
                    lambda x: torch.nn.functional.gelu(x, approximate='tanh')))
cases.append(record('gelu/none', 'gelu_none', {}, {'x': leaf(4, 7, scale=3)},
                    lambda x: torch.nn.functional.gelu(x)))

# ---- RMSNorm (PyTorch 2.4 semantics, composed) ----
F32_EPS = torch.finfo(torch.float32).eps


def rms_norm(x, normalized_shape, weight=None, eps=None):
    eps = F32_EPS if eps is None else eps
    dims = tuple(range(x.dim() - len(normalized_shape), x.dim()))
    y = x * torch.rsqrt(x.pow(2).mean(dims, keepdim=True) + eps)
    return y if weight is None else y * weight


cases.append(record('rms_norm/last_dim_weight_default_eps', 'rms_norm', {'normalizedShape': [8], 'eps': None},
                    {'x': leaf(2, 3, 8), 'weight': leaf(8)}, lambda x, weight: rms_norm(x, [8], weight)))
cases.append(record('rms_norm/last_dim_weight_eps_1e-5', 'rms_norm', {'normalizedShape': [8], 'eps': 1e-5},
                    {'x': leaf(4, 8, scale=0.01), 'weight': leaf(8)}, lambda x, weight: rms_norm(x, [8], weight, 1e-5)))
cases.append(record('rms_norm/two_dims_no_weight', 'rms_norm', {'normalizedShape': [3, 5], 'eps': 1e-6},
                    {'x': leaf(2, 3, 5)}, lambda x: rms_norm(x, [3, 5], None, 1e-6)))

# ---- rotary (RoFormer eq. 34, pair by pair) ----


def rotary(x, positions, base, interleaved):
    d = x.shape[-1]
    out = x.clone()
    cols = []
    for i in range(d // 2):
        theta = base ** (-2.0 * i / d)
        ang = torch.tensor([p * theta for p in positions], dtype=torch.float64)
        c, s = torch.cos(ang), torch.sin(ang)
        ja, jb = (2 * i, 2 * i + 1) if interleaved else (i, i + d // 2)
        a, b = x[..., ja], x[..., jb]
        cols.append((ja, a * c - b * s))
        cols.append((jb, b * c + a * s))
    cols.sort(key=lambda t: t[0])
    out = torch.stack([v for _, v in cols], dim=-1)
    return out


for interleaved in (False, True):
    conv = 'interleaved' if interleaved else 'half'
    cases.append(record(f'rotary/{conv}/offset', 'rotary',
                        {'interleaved': interleaved, 'positions': 3, 'base': 10000},
                        {'x': leaf(2, 3, 5, 8)}, lambda x, i=interleaved: rotary(x, [3, 4, 5, 6, 7], 10000, i)))
    cases.append(record(f'rotary/{conv}/list_base_500', 'rotary',
                        {'interleaved': interleaved, 'positions': [0, 7, 2, 100, 31, 1023], 'base': 500},
                        {'x': leaf(6, 6)}, lambda x, i=interleaved: rotary(x, [0, 7, 2, 100, 31, 1023], 500, i)))

# ---- sinusoidal (the PyTorch Transformer tutorial's PositionalEncoding, float64) ----


def tutorial_pe(max_len, d_model):
    position = torch.arange(max_len, dtype=torch.float64).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float64) * (-math.log(10000.0) / d_model))
    pe = torch.zeros(max_len, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term)
    return pe


pe = tutorial_pe(300, 16)
cases.append({'name': 'sinusoidal/300x16', 'kind': 'sinusoidal', 'options': {'length': 300, 'dModel': 16},
              'inputs': {}, 'out': spec(pe), 'upstream': None, 'grads': {}})

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': cases}, f, separators=(',', ':'))
    f.write('\n')
print(f'wrote {len(cases)} cases to {os.path.normpath(OUT)}')
