// Comparisons (float32 operands, bool result) and `where` (bool condition, float32 operands) on
// the wasm kernels, with the same broadcasting and thread splitting as elementwise.ts. Other
// dtypes go to the reference backend.

import type { DType } from '../../core/dtype.js';
import type { BinaryOp } from '../backend.js';
import type { AddrStrided as Strided } from './args.js';
import { BINARY_CODES, runElementwise, runPairwise, threadsFor } from './elementwise.js';
import type { Kernels } from './loader.js';
import { poolThreads } from './pool.js';

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
  const k = BINARY_CODES[op];
  if (k === undefined || k.kernel !== 'compare' || a.dtype !== 'float32' || b.dtype !== 'float32' || outDtype !== 'bool') return false;
  runPairwise(kern, 'compare', k.code, a, b, { ptr: out, bytes: 1 }, threads);
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
  const operands = [
    { ptr: cond.ptr, bytes: 1, strides: cond.strides },
    { ptr: a.ptr, bytes: 4, strides: a.strides },
    { ptr: b.ptr, bytes: 4, strides: b.strides },
  ];
  runElementwise(kern, 'where', a.shape, operands, { ptr: out, bytes: 4 }, t, []);
  return true;
}
