// Plain TypeScript elementwise primitives: the oracle the fast kernels are tested against. The
// scalar math of each op is its definition in src/core/primitives (no switch to keep in step).

import type { DType, TypedArray } from '../../core/dtype.js';
import { heap } from '../../core/heap.js';
import { BINARY } from '../../core/primitives/binary.js';
import { UNARY } from '../../core/primitives/unary.js';
import type { BinaryOp, Strided, UnaryOp } from '../backend.js';

/** A typed view of the whole heap for a dtype (element index = byte address / item size). */
export function heapView(dtype: DType): TypedArray {
  const h = heap();
  return dtype === 'float32' ? h.f32 : dtype === 'int32' ? h.i32 : h.u8;
}

export function elemIndex(ptr: number, dtype: DType): number {
  return dtype === 'bool' ? ptr : ptr >>> 2;
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

/** erf in float64 (the scalar helper gelu's definition uses). */
export { erf } from '../../core/primitives/scalar.js';

/** The scalar definition of unary op `op` (from the primitive table); `a` is the alpha of leakyRelu/elu. */
export function unaryScalar(op: UnaryOp, x: number, a: number): number {
  return UNARY[op].ref(x, a);
}

/** The scalar definition of binary op `op` (from the primitive table). */
export function binaryScalar(op: BinaryOp, x: number, y: number): number {
  return BINARY[op].ref(x, y);
}

function intDivFix(op: BinaryOp, dtype: DType, v: number): number {
  // integer results of int32 arithmetic wrap like PyTorch's int32
  return dtype === 'int32' && op !== 'div' ? v | 0 : v;
}

export function refUnary(op: UnaryOp, x: Strided, out: number, outDtype: DType, alpha: number): void {
  const xs = heapView(x.dtype);
  const os = heapView(outDtype);
  const xb = elemIndex(x.ptr, x.dtype);
  const ob = elemIndex(out, outDtype);
  const f: (x: number, alpha: number) => number = UNARY[op].ref;
  forEachIndex(x.shape, [x.strides], (i, [o]) => {
    os[ob + i] = f(xs[xb + o], alpha);
  });
}

export function refBinary(op: BinaryOp, a: Strided, b: Strided, out: number, outDtype: DType): void {
  const as = heapView(a.dtype);
  const bs = heapView(b.dtype);
  const os = heapView(outDtype);
  const ab = elemIndex(a.ptr, a.dtype);
  const bb = elemIndex(b.ptr, b.dtype);
  const ob = elemIndex(out, outDtype);
  const f: (a: number, b: number) => number = BINARY[op].ref;
  forEachIndex(a.shape, [a.strides, b.strides], (i, [oa, obb]) => {
    os[ob + i] = intDivFix(op, outDtype, f(as[ab + oa], bs[bb + obb]));
  });
}

export function refWhere(c: Strided, a: Strided, b: Strided, out: number, outDtype: DType): void {
  const cs = heapView(c.dtype);
  const as = heapView(a.dtype);
  const bs = heapView(b.dtype);
  const os = heapView(outDtype);
  const cb = elemIndex(c.ptr, c.dtype);
  const ab = elemIndex(a.ptr, a.dtype);
  const bb = elemIndex(b.ptr, b.dtype);
  const ob = elemIndex(out, outDtype);
  forEachIndex(a.shape, [c.strides, a.strides, b.strides], (i, [oc, oa, obb]) => {
    os[ob + i] = cs[cb + oc] !== 0 ? as[ab + oa] : bs[bb + obb];
  });
}

export function refCopy(src: Strided, dst: Strided): void {
  const ss = heapView(src.dtype);
  const ds = heapView(dst.dtype);
  const sb = elemIndex(src.ptr, src.dtype);
  const db = elemIndex(dst.ptr, dst.dtype);
  const toBool = dst.dtype === 'bool';
  const toInt = dst.dtype === 'int32' && src.dtype === 'float32';
  forEachIndex(src.shape, [src.strides, dst.strides], (_i, [os, od]) => {
    const v = ss[sb + os];
    ds[db + od] = toBool ? (v !== 0 ? 1 : 0) : toInt ? Math.trunc(v) : v;
  });
}

export function refFill(out: number, dtype: DType, n: number, value: number): void {
  const s = elemIndex(out, dtype);
  heapView(dtype).fill(dtype === 'bool' ? (value !== 0 ? 1 : 0) : value, s, s + n);
}
