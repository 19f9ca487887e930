// The binary primitives, each defined once: its output dtype rule, its scalar definition (the
// reference every backend is checked against, and what a backend without a kernel runs) and its
// gradient with respect to each operand. `BinaryOp` is derived from this table; backends state a
// kernel (or none) per entry. Operands arrive broadcast to one shape; the op reduces each
// gradient back to its operand's shape.

import type { DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import type { RawOps } from './unary.js';

/**
 * Output dtype from the operands' promoted dtype (int32 over bool, float32 over both):
 * `'arith'` keeps it but makes bool int32 (true + true = 2); `'promote'` keeps it;
 * `'float'` is always float32 (true division); `'bool'` is a mask (comparisons, logic).
 */
export type BinaryDType = 'arith' | 'promote' | 'float' | 'bool';

/** The gradient with respect to one operand, at the broadcast shape; `y` is the op's output. */
export type BinaryGrad = (g: Tensor, a: Tensor, b: Tensor, y: Tensor, raw: RawOps) => Tensor;

/**
 * One binary primitive. `ref(a, b)` is its value in float64 (int32 results wrap like PyTorch's,
 * except true division); `grad` is [d/da, d/db], or null where the op records no gradient.
 */
export interface BinaryDef {
  dtype: BinaryDType;
  ref: (a: number, b: number) => number;
  grad: readonly [BinaryGrad, BinaryGrad] | null;
}

/** Ties split the gradient evenly between the operands, as PyTorch does. */
function minmaxWeight(op: 'maximum' | 'minimum', a: Tensor, b: Tensor): Tensor {
  const pick = op === 'maximum' ? a.gt(b) : a.lt(b);
  return pick.add(a.eq(b).mul(0.5));
}

const isNaN = Number.isNaN;

/** Primitives that only gradient rules call (through RawOps); they record no gradient themselves. */
const INTERNAL = {
  /** relu's backward in one pass: b where a > 0, else 0 (a: relu's input, b: upstream gradient). */
  reluGrad: { dtype: 'float', ref: (a: number, b: number) => (a > 0 ? b : 0), grad: null },
} as const;

/** A binary primitive that gradient rules may run raw. */
export type InternalBinaryOp = keyof typeof INTERNAL;

/** Every binary primitive. */
export const BINARY = {
  add: { dtype: 'arith', ref: (a, b) => a + b, grad: [(g) => g, (g) => g] },
  sub: { dtype: 'arith', ref: (a, b) => a - b, grad: [(g) => g, (g) => g.neg()] },
  mul: { dtype: 'arith', ref: (a, b) => a * b, grad: [(g, _a, b) => g.mul(b), (g, a) => g.mul(a)] },
  div: { dtype: 'float', ref: (a, b) => a / b, grad: [(g, _a, b) => g.div(b), (g, _a, b, y) => g.mul(y.div(b)).neg()] },
  /** d/db a^b = a^b ln a, taken as 0 where a == 0 (PyTorch's convention). */
  pow: {
    dtype: 'float',
    ref: (a, b) => a ** b,
    grad: [(g, a, b) => g.mul(b.mul(a.pow(b.sub(1)))), (g, a, _b, y, raw) => g.mul(raw.where(a.eq(0), 0, y.mul(a.log())))],
  },
  /** NaN propagates. */
  maximum: {
    dtype: 'promote',
    ref: (a, b) => (isNaN(a) || isNaN(b) ? Number.NaN : Math.max(a, b)),
    grad: [(g, a, b) => g.mul(minmaxWeight('maximum', a, b)), (g, a, b) => g.mul(minmaxWeight('maximum', a, b).neg().add(1))],
  },
  /** NaN propagates. */
  minimum: {
    dtype: 'promote',
    ref: (a, b) => (isNaN(a) || isNaN(b) ? Number.NaN : Math.min(a, b)),
    grad: [(g, a, b) => g.mul(minmaxWeight('minimum', a, b)), (g, a, b) => g.mul(minmaxWeight('minimum', a, b).neg().add(1))],
  },
  eq: { dtype: 'bool', ref: (a, b) => (a === b ? 1 : 0), grad: null },
  ne: { dtype: 'bool', ref: (a, b) => (a !== b ? 1 : 0), grad: null },
  lt: { dtype: 'bool', ref: (a, b) => (a < b ? 1 : 0), grad: null },
  le: { dtype: 'bool', ref: (a, b) => (a <= b ? 1 : 0), grad: null },
  gt: { dtype: 'bool', ref: (a, b) => (a > b ? 1 : 0), grad: null },
  ge: { dtype: 'bool', ref: (a, b) => (a >= b ? 1 : 0), grad: null },
  and: { dtype: 'bool', ref: (a, b) => (a !== 0 && b !== 0 ? 1 : 0), grad: null },
  or: { dtype: 'bool', ref: (a, b) => (a !== 0 || b !== 0 ? 1 : 0), grad: null },
  xor: { dtype: 'bool', ref: (a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0), grad: null },
  ...INTERNAL,
} as const satisfies Record<string, BinaryDef>;

/** The name of a binary primitive. */
export type BinaryOp = keyof typeof BINARY;

/** The definition of binary primitive `op`. @example binaryDef('add').ref(1, 2) // 3 */
export function binaryDef(op: BinaryOp): BinaryDef {
  return BINARY[op];
}

/**
 * The output dtype of `op` on operands promoted to `promoted`.
 * @example binaryDType('add', 'bool') // 'int32'
 */
export function binaryDType(op: BinaryOp, promoted: DType): DType {
  const rule = BINARY[op].dtype as BinaryDType;
  if (rule === 'bool') return 'bool';
  if (rule === 'float') return 'float32';
  return rule === 'arith' && promoted === 'bool' ? 'int32' : promoted;
}
