// Plain TypeScript elementwise primitives: the oracle the fast kernels are tested against. They
// compute on typed arrays and element offsets, so the reference device runs them on its own
// buffers and the CPU device on views of its heap (its fallback for what no kernel covers). The
// scalar math of each op is its definition in src/core/primitives (no switch to keep in step).

import type { DType, TypedArray } from '../../core/dtype.js';
import { BINARY } from '../../core/primitives/binary.js';
import { UNARY } from '../../core/primitives/unary.js';
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

function intDivFix(op: BinaryOp, dtype: DType, v: number): number {
  // integer results of int32 arithmetic wrap like PyTorch's int32
  return dtype === 'int32' && op !== 'div' ? v | 0 : v;
}

/** out[ob + i] = op(x[i]) over x's shape in row-major order. */
export function refUnary(op: UnaryOp, x: ArrayStrided, os: TypedArray, ob: number, alpha: number): void {
  const xs = x.data;
  const xb = x.at;
  const f: (x: number, alpha: number) => number = UNARY[op].ref;
  forEachIndex(x.shape, [x.strides], (i, [o]) => {
    os[ob + i] = f(xs[xb + o], alpha);
  });
}

/** out[ob + i] = op(a[i], b[i]) over the (broadcast) shape. */
export function refBinary(op: BinaryOp, a: ArrayStrided, b: ArrayStrided, os: TypedArray, ob: number, outDtype: DType): void {
  const as = a.data;
  const bs = b.data;
  const ab = a.at;
  const bb = b.at;
  const f: (a: number, b: number) => number = BINARY[op].ref;
  forEachIndex(a.shape, [a.strides, b.strides], (i, [oa, obb]) => {
    os[ob + i] = intDivFix(op, outDtype, f(as[ab + oa], bs[bb + obb]));
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
