// Plain TypeScript reductions, matrix product, softmax and indexing: the test oracle. Every
// argument is a typed array and an element offset into it (see elementwise.ts).

import type { TypedArray } from '../../core/dtype.js';
import type { ReduceOp } from '../backend.js';

/** A matrix operand over a typed array: element (0, 0) at `at`, leading dimension `ld`, maybe transposed. */
export interface ArrayMat {
  data: Float32Array;
  at: number;
  ld: number;
  trans: boolean;
}

/** Contiguous x (outer, r, inner) at xb reduced over r into os (outer, inner) at ob. */
export function refReduce(
  op: ReduceOp,
  xs: TypedArray,
  xb: number,
  outer: number,
  r: number,
  inner: number,
  os: TypedArray,
  ob: number,
): void {
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

/** Index of the max (min) along r of contiguous x (outer, r, inner) into int32 os (outer, inner). */
export function refArgReduce(
  op: 'argmax' | 'argmin',
  xs: TypedArray,
  xb: number,
  outer: number,
  r: number,
  inner: number,
  os: Int32Array,
  ob: number,
): void {
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

/** C (m, n) at cb of cs (leading dimension ldc) = A @ B, plus C when `accumulate`. */
export function refMatmul(
  m: number,
  n: number,
  k: number,
  a: ArrayMat,
  b: ArrayMat,
  cs: Float32Array,
  cb: number,
  ldc: number,
  accumulate: boolean,
): void {
  const as = a.data;
  const bs = b.data;
  const ab = a.at;
  const bb = b.at;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = as[ab + (a.trans ? p * a.ld + i : i * a.ld + p)];
        const bv = bs[bb + (b.trans ? j * b.ld + p : p * b.ld + j)];
        s += av * bv;
      }
      cs[cb + i * ldc + j] = accumulate ? cs[cb + i * ldc + j] + s : s;
    }
  }
}

/** Row-wise softmax (or log-softmax) of contiguous (rows, cols) xs at xb into os at ob. */
export function refSoftmax(xs: Float32Array, xb: number, rows: number, cols: number, os: Float32Array, ob: number, log: boolean): void {
  for (let r = 0; r < rows; r++) {
    const row = xb + r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, xs[row + j]);
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += Math.exp(xs[row + j] - max);
    const logSum = Math.log(sum);
    for (let j = 0; j < cols; j++) {
      // (x - max) - log(sum): the small log-probabilities keep their precision next to a large max
      const shifted = xs[row + j] - max - logSum;
      os[ob + r * cols + j] = log ? shifted : Math.exp(shifted);
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

/** out (outer, n, inner) = x (outer, d, inner) at rows idx. */
export function refIndexSelect(
  xs: TypedArray,
  xb: number,
  outer: number,
  d: number,
  inner: number,
  is: Int32Array,
  ib: number,
  n: number,
  os: TypedArray,
  ob: number,
): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      const row = is[ib + j];
      if (row < 0 || row >= d) throw badIndex('indexSelect', row, d);
      const src = xb + (o * d + row) * inner;
      const dst = ob + (o * n + j) * inner;
      for (let i = 0; i < inner; i++) os[dst + i] = xs[src + i];
    }
  }
}

/** out (outer, d, inner) += src (outer, n, inner) at rows idx. */
export function refIndexAdd(
  ss: Float32Array,
  sb: number,
  outer: number,
  n: number,
  inner: number,
  is: Int32Array,
  ib: number,
  d: number,
  os: Float32Array,
  ob: number,
): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < n; j++) {
      const row = is[ib + j];
      if (row < 0 || row >= d) throw badIndex('indexAdd', row, d);
      const s = sb + (o * n + j) * inner;
      const t = ob + (o * d + row) * inner;
      for (let i = 0; i < inner; i++) os[t + i] += ss[s + i];
    }
  }
}

/** Walks a contiguous `outShape`, yielding the flat output position and the matching flat
 * position in a contiguous `xShape` tensor whose `axis` coordinate comes from `index`. */
function walkGather(
  xShape: readonly number[],
  axis: number,
  is: Int32Array,
  ib: number,
  outShape: readonly number[],
  visit: (outPos: number, xPos: number) => void,
): void {
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

/** torch.gather along `axis` of contiguous x (xShape) into out (outShape) with int32 index of out's shape. */
export function refGather(
  xs: TypedArray,
  xb: number,
  xShape: readonly number[],
  axis: number,
  is: Int32Array,
  ib: number,
  outShape: readonly number[],
  os: TypedArray,
  ob: number,
): void {
  walkGather(xShape, axis, is, ib, outShape, (p, xp) => {
    os[ob + p] = xs[xb + xp];
  });
}

/** The adjoint of gather: out (xShape) += src (outShape) at index along axis. */
export function refScatterAdd(
  ss: Float32Array,
  sb: number,
  outShape: readonly number[],
  axis: number,
  is: Int32Array,
  ib: number,
  xShape: readonly number[],
  os: Float32Array,
  ob: number,
): void {
  walkGather(xShape, axis, is, ib, outShape, (p, xp) => {
    os[ob + xp] += ss[sb + p];
  });
}
