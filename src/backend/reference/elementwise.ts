// Plain TypeScript elementwise primitives: the oracle the fast kernels are tested against. They
// compute on typed arrays and element offsets, so the reference device runs them on its own
// buffers and the CPU device on views of its heap (its fallback for what no kernel covers).

import type { DType, TypedArray } from '../../core/dtype.js';
import type { BinaryOp, UnaryOp } from '../backend.js';

/**
 * A strided argument over a typed array: element 0 at index `at` of `data`, and per-dim sizes
 * and element strides. @example { data: f32, at: 0, dtype: 'float32', shape: [2, 3], strides: [3, 1] }
 */
export interface ArrayStrided {
  data: TypedArray;
  at: number;
  dtype: DType;
  shape: readonly number[];
  strides: readonly number[];
}

/**
 * Calls `visit(i, offsets)` for each element of `shape` in row-major order, with the element
 * offset of that position in each strided argument.
 */
export function forEachIndex(
  shape: readonly number[],
  args: readonly (readonly number[])[],
  visit: (i: number, offs: number[]) => void,
): void {
  const rank = shape.length;
  const n = shape.reduce((a, b) => a * b, 1);
  if (n === 0) return;
  const idx = new Array<number>(rank).fill(0);
  const offs = new Array<number>(args.length).fill(0);
  for (let i = 0; i < n; i++) {
    visit(i, offs);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      for (let a = 0; a < args.length; a++) offs[a] += args[a][d];
      if (idx[d] < shape[d]) break;
      for (let a = 0; a < args.length; a++) offs[a] -= args[a][d] * shape[d];
      idx[d] = 0;
    }
  }
}

/** erf with |error| < 1.2e-7 (Numerical Recipes erfc, Chebyshev). */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

/** The scalar definition of every unary op; `a` is the alpha of leakyRelu/elu. */
export function unaryScalar(op: UnaryOp, x: number, a: number): number {
  switch (op) {
    case 'neg':
      return -x;
    case 'exp':
      return Math.exp(x);
    case 'log':
      return Math.log(x);
    case 'log1p':
      return Math.log1p(x);
    case 'expm1':
      return Math.expm1(x);
    case 'sqrt':
      return Math.sqrt(x);
    case 'rsqrt':
      return 1 / Math.sqrt(x);
    case 'abs':
      return Math.abs(x);
    case 'sign':
      return x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : Number.NaN;
    case 'sin':
      return Math.sin(x);
    case 'cos':
      return Math.cos(x);
    case 'tanh':
      return Math.tanh(x);
    case 'sigmoid':
      return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    case 'relu':
      return Math.max(x, 0); // NaN stays NaN, as in PyTorch
    case 'leakyRelu':
      return x > 0 ? x : a * x;
    case 'elu':
      return x > 0 ? x : a * Math.expm1(x);
    case 'gelu':
      return 0.5 * x * (1 + erf(x / Math.SQRT2));
    case 'geluGrad':
      return 0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI);
    case 'silu':
      return x / (1 + Math.exp(-x));
    case 'softplus':
      return x > 20 ? x : Math.log1p(Math.exp(x));
    case 'reciprocal':
      return 1 / x;
    case 'square':
      return x * x;
    case 'floor':
      return Math.floor(x);
    case 'ceil':
      return Math.ceil(x);
    case 'round': {
      // round half to even, as PyTorch does
      const r = Math.round(x);
      return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
    }
    case 'not':
      return x !== 0 ? 0 : 1; // NaN counts as true, as in PyTorch
    case 'isnan':
      return Number.isNaN(x) ? 1 : 0;
  }
}

/** The scalar definition of every binary op. */
export function binaryScalar(op: BinaryOp, x: number, y: number): number {
  switch (op) {
    case 'add':
      return x + y;
    case 'sub':
      return x - y;
    case 'mul':
      return x * y;
    case 'div':
      return x / y;
    case 'pow':
      return x ** y;
    case 'maximum':
      return Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : Math.max(x, y);
    case 'minimum':
      return Number.isNaN(x) || Number.isNaN(y) ? Number.NaN : Math.min(x, y);
    case 'eq':
      return x === y ? 1 : 0;
    case 'ne':
      return x !== y ? 1 : 0;
    case 'lt':
      return x < y ? 1 : 0;
    case 'le':
      return x <= y ? 1 : 0;
    case 'gt':
      return x > y ? 1 : 0;
    case 'ge':
      return x >= y ? 1 : 0;
    case 'and':
      return x !== 0 && y !== 0 ? 1 : 0;
    case 'or':
      return x !== 0 || y !== 0 ? 1 : 0;
    case 'xor':
      return (x !== 0) !== (y !== 0) ? 1 : 0;
    case 'reluGrad':
      return x > 0 ? y : 0; // x: forward input, y: upstream gradient
  }
}

function intDivFix(op: BinaryOp, dtype: DType, v: number): number {
  // integer results of int32 arithmetic wrap like PyTorch's int32
  return dtype === 'int32' && op !== 'div' ? v | 0 : v;
}

/** out[ob + i] = op(x[i]) over x's shape in row-major order. */
export function refUnary(op: UnaryOp, x: ArrayStrided, os: TypedArray, ob: number, alpha: number): void {
  const xs = x.data;
  const xb = x.at;
  forEachIndex(x.shape, [x.strides], (i, [o]) => {
    os[ob + i] = unaryScalar(op, xs[xb + o], alpha);
  });
}

/** out[ob + i] = op(a[i], b[i]) over the (broadcast) shape. */
export function refBinary(op: BinaryOp, a: ArrayStrided, b: ArrayStrided, os: TypedArray, ob: number, outDtype: DType): void {
  const as = a.data;
  const bs = b.data;
  const ab = a.at;
  const bb = b.at;
  forEachIndex(a.shape, [a.strides, b.strides], (i, [oa, obb]) => {
    os[ob + i] = intDivFix(op, outDtype, binaryScalar(op, as[ab + oa], bs[bb + obb]));
  });
}

/** out[ob + i] = c[i] ? a[i] : b[i]. */
export function refWhere(c: ArrayStrided, a: ArrayStrided, b: ArrayStrided, os: TypedArray, ob: number): void {
  const cs = c.data;
  const as = a.data;
  const bs = b.data;
  forEachIndex(a.shape, [c.strides, a.strides, b.strides], (i, [oc, oa, obb]) => {
    os[ob + i] = cs[c.at + oc] !== 0 ? as[a.at + oa] : bs[b.at + obb];
  });
}

/** dst = src elementwise, converting dtype (float -> int truncates; nonzero -> true). */
export function refCopy(src: ArrayStrided, dst: ArrayStrided): void {
  const ss = src.data;
  const ds = dst.data;
  const sb = src.at;
  const db = dst.at;
  const toBool = dst.dtype === 'bool';
  const toInt = dst.dtype === 'int32' && src.dtype === 'float32';
  forEachIndex(src.shape, [src.strides, dst.strides], (_i, [os, od]) => {
    const v = ss[sb + os];
    ds[db + od] = toBool ? (v !== 0 ? 1 : 0) : toInt ? Math.trunc(v) : v;
  });
}

/** os[ob .. ob + n) = value (0/1 for bool). */
export function refFill(os: TypedArray, ob: number, dtype: DType, n: number, value: number): void {
  os.fill(dtype === 'bool' ? (value !== 0 ? 1 : 0) : value, ob, ob + n);
}
