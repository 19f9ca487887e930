// The unary primitives, each defined once: its output dtype rule, its scalar definition (the
// reference every backend is checked against, and what a backend without a kernel runs) and its
// gradient. `UnaryOp` is derived from this table; the reference backend runs the definitions.
//
// To add a unary primitive: one entry here and the public function that calls it
// (src/ops/elementwise.ts, or src/nn/functional/activation.ts for an activation, whose layer is in
// src/nn/activation.ts). The CPU device then runs the scalar definition; a SIMD kernel is an
// optional speed-up (a case in src/kernels/elementwise.ts and its code in the map of
// src/backend/wasm/elementwise.ts, checked against the definition by kernel_codes.test.ts).

import type { Tensor } from '../tensor.js';
import type { InternalBinaryOp } from './binary.js';
import { erf } from './scalar.js';

/**
 * Output dtype from the input's: `'float'` computes in float32 (int32 and bool inputs are
 * converted first); `'keepInt'` keeps int32 as int32 (abs, square, rounding, like PyTorch) and
 * converts bool; `'bool'` gives a bool mask of any input.
 */
export type UnaryDType = 'float' | 'keepInt' | 'bool';

/** Runs a primitive with no graph node: what a gradient rule needs besides Tensor methods. */
export interface RawOps {
  /** op(x) as the backend computes it, float32 in and out. */
  unary(op: InternalUnaryOp, x: Tensor, alpha?: number): Tensor;
  /** op(a, b) as the backend computes it, float32 in and out, a and b broadcast. */
  binary(op: InternalBinaryOp, a: Tensor, b: Tensor): Tensor;
  /** float32 zeros of `like`'s shape. */
  zeros(like: Tensor): Tensor;
  /** `a` where `cond` (bool) is true, else `b`, broadcast together (differentiable). */
  where(cond: Tensor, a: Tensor | number, b: Tensor | number): Tensor;
}

/**
 * One unary primitive. `ref(x, alpha)` is its value in float64 (stored to the output's dtype);
 * `grad(g, x, y, alpha, raw)` is dL/dx for upstream `g`, the float32 input `x` and output `y`,
 * or null where the primitive records no gradient (masks, rounding-free internals).
 */
export interface UnaryDef {
  dtype: UnaryDType;
  ref: (x: number, alpha: number) => number;
  grad: ((g: Tensor, x: Tensor, y: Tensor, alpha: number, raw: RawOps) => Tensor) | null;
}

/** Zero almost everywhere: g * 0 (NaN and infinite upstream values stay NaN). */
const zeroGrad = (g: Tensor, _x: Tensor, _y: Tensor, _a: number, raw: RawOps): Tensor => g.mul(raw.zeros(g));

/** sqrt(2 / pi), the scale inside GELU's tanh approximation. */
const GELU_TANH_C = Math.sqrt(2 / Math.PI);

/** Primitives that only gradient rules call (through RawOps); they record no gradient themselves. */
const INTERNAL = {
  /** d gelu / dx: gelu's backward in one pass. */
  geluGrad: {
    dtype: 'float',
    ref: (x: number) => 0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI),
    grad: null,
  },
  /** d geluTanh / dx: 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2), t = tanh(u). */
  geluTanhGrad: {
    dtype: 'float',
    ref: (x: number) => {
      const t = Math.tanh(GELU_TANH_C * (x + 0.044715 * x * x * x));
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_TANH_C * (1 + 3 * 0.044715 * x * x);
    },
    grad: null,
  },
} as const;

/** A unary primitive that gradient rules may run raw. */
export type InternalUnaryOp = keyof typeof INTERNAL;

/** Every unary primitive. `alpha` parameterises leakyRelu (slope) and elu (scale). */
export const UNARY = {
  ...INTERNAL,
  neg: { dtype: 'keepInt', ref: (x) => -x, grad: (g) => g.neg() },
  exp: { dtype: 'float', ref: Math.exp, grad: (g, _x, y) => g.mul(y) },
  log: { dtype: 'float', ref: Math.log, grad: (g, x) => g.mul(x.reciprocal()) },
  log1p: { dtype: 'float', ref: Math.log1p, grad: (g, x) => g.mul(x.add(1).reciprocal()) },
  expm1: { dtype: 'float', ref: Math.expm1, grad: (g, _x, y) => g.mul(y.add(1)) },
  sqrt: { dtype: 'float', ref: Math.sqrt, grad: (g, _x, y) => g.mul(y.reciprocal().mul(0.5)) },
  rsqrt: { dtype: 'float', ref: (x) => 1 / Math.sqrt(x), grad: (g, _x, y) => g.mul(y.pow(3).mul(-0.5)) },
  /** Gradient 0 at 0, like PyTorch. */
  abs: { dtype: 'keepInt', ref: Math.abs, grad: (g, x) => g.mul(x.sign()) },
  /** -1, 0 or 1 (NaN for NaN); zero gradient. */
  sign: { dtype: 'keepInt', ref: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : Number.NaN), grad: (g, _x, _y, _a, raw) => raw.zeros(g) },
  sin: { dtype: 'float', ref: Math.sin, grad: (g, x) => g.mul(x.cos()) },
  cos: { dtype: 'float', ref: Math.cos, grad: (g, x) => g.mul(x.sin().neg()) },
  tanh: { dtype: 'float', ref: Math.tanh, grad: (g, _x, y) => g.mul(y.mul(y).neg().add(1)) },
  sigmoid: {
    dtype: 'float',
    ref: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
    grad: (g, _x, y) => g.mul(y.mul(y.neg().add(1))),
  },
  /** NaN stays NaN, as in PyTorch. */
  relu: { dtype: 'float', ref: (x) => Math.max(x, 0), grad: (g, x, _y, _a, raw) => raw.binary('reluGrad', x, g) },
  leakyRelu: { dtype: 'float', ref: (x, a) => (x > 0 ? x : a * x), grad: (g, x, _y, a, raw) => g.mul(raw.where(x.gt(0), 1, a)) },
  elu: {
    dtype: 'float',
    ref: (x, a) => (x > 0 ? x : a * Math.expm1(x)),
    grad: (g, x, y, a, raw) => g.mul(raw.where(x.gt(0), 1, y.add(a))),
  },
  /** Exact (erf) form, PyTorch's default. */
  gelu: { dtype: 'float', ref: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)), grad: (g, x, _y, _a, raw) => g.mul(raw.unary('geluGrad', x)) },
  /** PyTorch's gelu(approximate='tanh'): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), GPT-2's. */
  geluTanh: {
    dtype: 'float',
    ref: (x) => 0.5 * x * (1 + Math.tanh(GELU_TANH_C * (x + 0.044715 * x * x * x))),
    grad: (g, x, _y, _a, raw) => g.mul(raw.unary('geluTanhGrad', x)),
  },
  silu: {
    dtype: 'float',
    ref: (x) => x / (1 + Math.exp(-x)),
    grad: (g, x) => {
      const s = x.sigmoid();
      return g.mul(s.mul(x.mul(s.neg().add(1)).add(1)));
    },
  },
  softplus: { dtype: 'float', ref: (x) => (x > 20 ? x : Math.log1p(Math.exp(x))), grad: (g, x) => g.mul(x.sigmoid()) },
  /** x * relu6(x + 3) / 6; gradient 0 below -3, x / 3 + 1/2 on [-3, 3], 1 above (PyTorch's, kinks included). */
  hardswish: {
    dtype: 'float',
    ref: (x) => x * (Math.min(Math.max(x + 3, 0), 6) / 6),
    grad: (g, x, _y, _a, raw) => g.mul(raw.where(x.lt(-3), 0, raw.where(x.le(3), x.div(3).add(0.5), 1))),
  },
  /** x * tanh(softplus(x)); gradient tanh(sp) + x sigmoid(x) (1 - tanh(sp)^2). */
  mish: {
    dtype: 'float',
    ref: (x) => x * Math.tanh(Math.log1p(Math.exp(x))),
    grad: (g, x) => {
      const t = x.softplus().tanh();
      return g.mul(t.add(x.mul(x.sigmoid()).mul(t.mul(t).neg().add(1))));
    },
  },
  reciprocal: { dtype: 'float', ref: (x) => 1 / x, grad: (g, _x, y) => g.mul(y.mul(y).neg()) },
  square: { dtype: 'keepInt', ref: (x) => x * x, grad: (g, x) => g.mul(x.mul(2)) },
  floor: { dtype: 'keepInt', ref: Math.floor, grad: zeroGrad },
  ceil: { dtype: 'keepInt', ref: Math.ceil, grad: zeroGrad },
  /** Round half to even, as PyTorch does. */
  round: {
    dtype: 'keepInt',
    ref: (x) => {
      const r = Math.round(x);
      return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
    },
    grad: zeroGrad,
  },
  /** NaN counts as true, as in PyTorch. */
  not: { dtype: 'bool', ref: (x) => (x !== 0 ? 0 : 1), grad: null },
  isnan: { dtype: 'bool', ref: (x) => (Number.isNaN(x) ? 1 : 0), grad: null },
} as const satisfies Record<string, UnaryDef>;

/** The name of a unary primitive. */
export type UnaryOp = keyof typeof UNARY;

/** The definition of unary primitive `op`. @example unaryDef('exp').ref(1) // 2.718... */
export function unaryDef(op: UnaryOp): UnaryDef {
  return UNARY[op];
}
