// Comparisons (float32 operands, bool result) and `where` (bool condition, float32 operands) on
// the wasm kernels, with the same broadcasting and thread splitting as elementwise.ts. Other
// dtypes go to the reference backend.

import type { DType } from '../../core/dtype.js';
import type { BinaryOp, Strided } from '../backend.js';
import { flatStride, forEachBlock, splitBlock, threadsFor } from './elementwise.js';
import type { Kernels } from './loader.js';
import { poolThreads, runParallel } from './pool.js';

/** Kernel op codes (src/kernels/select.ts). */
const COMPARE_CODES: ReadonlyMap<BinaryOp, number> = new Map<BinaryOp, number>([
  ['eq', 0],
  ['ne', 1],
  ['lt', 2],
  ['le', 3],
  ['gt', 4],
  ['ge', 5],
]);

/** out (bool) = a op b for float32 a and b; false when the reference must handle it. */
export function wasmCompare(
  kern: Kernels,
  op: BinaryOp,
  a: Strided,
  b: Strided,
  out: number,
  outDtype: DType,
  threads = poolThreads(),
): boolean {
  const code = COMPARE_CODES.get(op);
  if (code === undefined || a.dtype !== 'float32' || b.dtype !== 'float32' || outDtype !== 'bool') return false;
  const n = a.shape.reduce((x, y) => x * y, 1);
  if (n === 0) return true;
  const t = threadsFor(n, true, threads);
  const as = flatStride(a.shape, a.strides);
  const bs = flatStride(b.shape, b.strides);
  if (t === 1 && as >= 0 && bs >= 0) {
    kern.exports.compare(code, a.ptr, 0, as, b.ptr, 0, bs, out, 1, n);
    return true;
  }
  forEachBlock(a.shape, [a.strides, b.strides], (offs, rows, cols, rs, cs, outOff) => {
    const ap = a.ptr + 4 * offs[0];
    const bp = b.ptr + 4 * offs[1];
    const parts = splitBlock(rows, cols, t, (r0, nr, c0, nc) => [
      code,
      ap + 4 * (r0 * rs[0] + c0 * cs[0]),
      rs[0],
      cs[0],
      bp + 4 * (r0 * rs[1] + c0 * cs[1]),
      rs[1],
      cs[1],
      out + outOff + r0 * cols + c0,
      nr,
      nc,
    ]);
    runParallel(kern, 'compare', parts);
  });
  return true;
}

/** out = cond ? a : b for a bool condition and float32 a, b, out; false when the reference must. */
export function wasmWhere(
  kern: Kernels,
  cond: Strided,
  a: Strided,
  b: Strided,
  out: number,
  outDtype: DType,
  threads = poolThreads(),
): boolean {
  if (cond.dtype !== 'bool' || a.dtype !== 'float32' || b.dtype !== 'float32' || outDtype !== 'float32') return false;
  const n = a.shape.reduce((x, y) => x * y, 1);
  if (n === 0) return true;
  const t = threadsFor(n, true, threads);
  forEachBlock(a.shape, [cond.strides, a.strides, b.strides], (offs, rows, cols, rs, cs, outOff) => {
    const cp = cond.ptr + offs[0];
    const ap = a.ptr + 4 * offs[1];
    const bp = b.ptr + 4 * offs[2];
    const parts = splitBlock(rows, cols, t, (r0, nr, c0, nc) => [
      cp + r0 * rs[0] + c0 * cs[0],
      rs[0],
      cs[0],
      ap + 4 * (r0 * rs[1] + c0 * cs[1]),
      rs[1],
      cs[1],
      bp + 4 * (r0 * rs[2] + c0 * cs[2]),
      rs[2],
      cs[2],
      out + 4 * (outOff + r0 * cols + c0),
      nr,
      nc,
    ]);
    runParallel(kern, 'where', parts);
  });
  return true;
}
