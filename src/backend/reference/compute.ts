// Plain TypeScript reductions, matrix product, softmax and indexing: the test oracle.

import type { DType } from '../../core/dtype.js';
import { heap } from '../../core/heap.js';
import type { MatArg, ReduceOp } from '../backend.js';
import { elemIndex, heapView } from './elementwise.js';

export function refReduce(op: ReduceOp, x: number, dtype: DType, outer: number, r: number, inner: number, out: number): void {
  const xs = heapView(dtype);
  const outDtype: DType = dtype === 'bool' && (op === 'sum' || op === 'prod') ? 'int32' : dtype;
  const os = heapView(outDtype);
  const xb = elemIndex(x, dtype);
  const ob = elemIndex(out, outDtype);
  const init = op === 'sum' ? 0 : op === 'prod' ? 1 : op === 'max' ? -Infinity : Infinity;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = init;
      let nan = false;
      for (let k = 0; k < r; k++) {
        const v = xs[xb + (o * r + k) * inner + i];
        if (op === 'sum') acc += v;
        else if (op === 'prod') acc *= v;
        else if (Number.isNaN(v)) nan = true;
        else if (op === 'max' ? v > acc : v < acc) acc = v;
      }
      os[ob + o * inner + i] = nan ? Number.NaN : acc;
    }
  }
}

export function refArgReduce(op: 'argmax' | 'argmin', x: number, dtype: DType, outer: number, r: number, inner: number, out: number): void {
  const xs = heapView(dtype);
  const os = heap().i32;
  const xb = elemIndex(x, dtype);
  const ob = out >>> 2;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = 0;
      let bv = xs[xb + o * r * inner + i];
      for (let k = 1; k < r && !Number.isNaN(bv); k++) {
        const v = xs[xb + (o * r + k) * inner + i];
        if (Number.isNaN(v) || (op === 'argmax' ? v > bv : v < bv)) {
          bv = v;
          best = k;
        }
      }
      os[ob + o * inner + i] = best;
    }
  }
}

export function refMatmul(m: number, n: number, k: number, a: MatArg, b: MatArg, c: number, ldc: number, accumulate: boolean): void {
  const f = heap().f32;
  const ab = a.ptr >>> 2;
  const bb = b.ptr >>> 2;
  const cb = c >>> 2;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = f[ab + (a.trans ? p * a.ld + i : i * a.ld + p)];
        const bv = f[bb + (b.trans ? j * b.ld + p : p * b.ld + j)];
        s += av * bv;
      }
      f[cb + i * ldc + j] = accumulate ? f[cb + i * ldc + j] + s : s;
    }
  }
}

export function refSoftmax(x: number, rows: number, cols: number, out: number, log: boolean): void {
  const f = heap().f32;
  const xb = x >>> 2;
  const ob = out >>> 2;
  for (let r = 0; r < rows; r++) {
    const row = xb + r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, f[row + j]);
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += Math.exp(f[row + j] - max);
    const logSum = Math.log(sum);
    for (let j = 0; j < cols; j++) {
      // (x - max) - log(sum): the small log-probabilities keep their precision next to a large max
      const shifted = f[row + j] - max - logSum;
      f[ob + r * cols + j] = log ? shifted : Math.exp(shifted);
    }
  }
}

/**
 * The backend's own guard: ops check indices with a precise message first (ops/indexing.ts), so
 * this fires only for a caller that skipped the check; never read or write outside the tensor.
 */
function badIndex(op: string, i: number, n: number): RangeError {
  return new RangeError(`${op}: index ${i} is out of range for a dim of size ${n} (valid: 0 to ${n - 1})`);
}

export function refIndexSelect(
  x: number,
  dtype: DType,
  outer: number,
  d: number,
  inner: number,
  idx: number,
  n: number,
  out: number,
): void {
  const xs = heapView(dtype);
  const is = heap().i32;
  const xb = elemIndex(x, dtype);
  const ob = elemIndex(out, dtype);
  const ib = idx >>> 2;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      const row = is[ib + j];
      if (row < 0 || row >= d) throw badIndex('indexSelect', row, d);
      const src = xb + (o * d + row) * inner;
      const dst = ob + (o * n + j) * inner;
      for (let i = 0; i < inner; i++) xs[dst + i] = xs[src + i];
    }
  }
}

export function refIndexAdd(src: number, outer: number, n: number, inner: number, idx: number, d: number, out: number): void {
  const f = heap().f32;
  const is = heap().i32;
  const sb = src >>> 2;
  const ob = out >>> 2;
  const ib = idx >>> 2;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      const row = is[ib + j];
      if (row < 0 || row >= d) throw badIndex('indexAdd', row, d);
      const s = sb + (o * n + j) * inner;
      const t = ob + (o * d + row) * inner;
      for (let i = 0; i < inner; i++) f[t + i] += f[s + i];
    }
  }
}

/** Walks a contiguous `outShape`, yielding the flat output position and the matching flat
 * position in a contiguous `xShape` tensor whose `axis` coordinate comes from `index`. */
function walkGather(
  xShape: readonly number[],
  axis: number,
  index: number,
  outShape: readonly number[],
  visit: (outPos: number, xPos: number) => void,
): void {
  const is = heap().i32;
  const ib = index >>> 2;
  const rank = outShape.length;
  const xStrides = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    xStrides[d] = s;
    s *= xShape[d];
  }
  const n = outShape.reduce((a, b) => a * b, 1);
  const coord = new Array<number>(rank).fill(0);
  for (let p = 0; p < n; p++) {
    const k = is[ib + p];
    if (k < 0 || k >= xShape[axis]) throw badIndex('gather', k, xShape[axis]);
    let xp = 0;
    for (let d = 0; d < rank; d++) xp += (d === axis ? k : coord[d]) * xStrides[d];
    visit(p, xp);
    for (let d = rank - 1; d >= 0; d--) {
      if (++coord[d] < outShape[d]) break;
      coord[d] = 0;
    }
  }
}

export function refGather(
  x: number,
  dtype: DType,
  xShape: readonly number[],
  axis: number,
  index: number,
  outShape: readonly number[],
  out: number,
): void {
  const xs = heapView(dtype);
  const xb = elemIndex(x, dtype);
  const ob = elemIndex(out, dtype);
  walkGather(xShape, axis, index, outShape, (p, xp) => {
    xs[ob + p] = xs[xb + xp];
  });
}

export function refScatterAdd(
  src: number,
  outShape: readonly number[],
  axis: number,
  index: number,
  xShape: readonly number[],
  out: number,
): void {
  const f = heap().f32;
  const sb = src >>> 2;
  const ob = out >>> 2;
  walkGather(xShape, axis, index, outShape, (p, xp) => {
    f[ob + xp] += f[sb + p];
  });
}
