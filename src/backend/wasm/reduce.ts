// Reductions and softmax on the wasm kernels, float32 only (other dtypes go to the reference).
// Threads split the outer dim, or the inner columns when there are few outer rows; never the
// reduced dim, so every output is summed in the same order whatever the thread count.

import type { DType } from '../../core/dtype.js';
import type { ReduceOp } from '../backend.js';
import type { Kernels } from './loader.js';
import { poolThreads, runParallel } from './pool.js';

/** Kernel op codes (src/kernels/reduce.ts). */
const REDUCE_CODES: Readonly<Record<ReduceOp, number>> = { sum: 0, max: 1, min: 2, prod: 3 };

/** Elements read from which a reduction is split across threads. */
const PARALLEL_MIN = 1 << 18;
/** Elements from which softmax (an exp per element) is split. */
const PARALLEL_MIN_SOFTMAX = 1 << 15;

/** Even ranges of [0, n) for up to `t` threads, each a multiple of `align` except the last. */
export function ranges(n: number, t: number, align = 1): [number, number][] {
  const out: [number, number][] = [];
  const per = Math.ceil(n / Math.max(1, t) / align) * align;
  for (let s = 0; s < n; s += per) out.push([s, Math.min(per, n - s)]);
  return out;
}

/** out (outer, inner) = op over r of contiguous x (outer, r, inner); false if not float32. */
export function wasmReduce(
  kern: Kernels,
  op: ReduceOp,
  x: number,
  dtype: DType,
  outer: number,
  r: number,
  inner: number,
  out: number,
  threads = poolThreads(),
): boolean {
  if (dtype !== 'float32') return false;
  if (outer === 0 || inner === 0) return true;
  const code = REDUCE_CODES[op];
  const t = outer * r * inner >= PARALLEL_MIN ? threads : 1;
  if (t === 1) {
    kern.exports.reduce(code, x, out, outer, r, inner, inner);
    return true;
  }
  let parts: number[][];
  if (outer >= t || inner === 1) {
    parts = ranges(outer, t).map(([o0, no]) => [code, x + 4 * o0 * r * inner, out + 4 * o0 * inner, no, r, inner, inner]);
  } else {
    parts = ranges(inner, t, 16).map(([i0, ni]) => [code, x + 4 * i0, out + 4 * i0, outer, r, inner, ni]);
  }
  runParallel(kern, 'reduce', parts);
  return true;
}

/** Row-wise softmax (or log-softmax) of contiguous float32 (rows, cols). */
export function wasmSoftmax(
  kern: Kernels,
  x: number,
  rows: number,
  cols: number,
  out: number,
  log: boolean,
  threads = poolThreads(),
): void {
  if (rows === 0 || cols === 0) return;
  const t = rows * cols >= PARALLEL_MIN_SOFTMAX ? threads : 1;
  if (t === 1) {
    kern.exports.softmax(x, out, rows, cols, log ? 1 : 0);
    return;
  }
  const parts = ranges(rows, t).map(([r0, nr]) => [x + 4 * r0 * cols, out + 4 * r0 * cols, nr, cols, log ? 1 : 0]);
  runParallel(kern, 'softmax', parts);
}
