// Reductions along any set of axes, with keepDim: sum, mean, max, min, prod, argmax, argmin,
// var, std, logSumExp; and sumTo, which folds a broadcast gradient back to an input's shape.

import type { ReduceOp } from '../backend/backend.js';
import { attach, noGrad } from '../core/autograd.js';
import type { DType } from '../core/dtype.js';
import { emptyTensor, filled, launch } from '../core/exec.js';
import { composite } from '../core/lifetime.js';
import { fmt, normAxes, normAxis, type Shape, sizeOf } from '../core/shape.js';
import { assertTensor, type Tensor } from '../core/tensor.js';
import { add, div, eq, exp, log, mul, sqrt, sub, where } from './elementwise.js';
import { contiguous, expand, permute, reshape } from './movement.js';

type Dims = number | readonly number[] | undefined;

/** Shape after reducing `axes` (kept as size-1 dims when keepDim). */
function reducedShape(shape: Shape, axes: readonly number[], keepDim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDim) out.push(1);
  });
  return out;
}

/**
 * Lays `x` out as contiguous (outer, r, inner) with the reduced axes as the middle block,
 * permuting them to the end first when they are not adjacent.
 */
function asBlock(x: Tensor, axes: readonly number[]): [Tensor, number, number, number] {
  const adjacent = axes.length === 0 || axes[axes.length - 1] - axes[0] === axes.length - 1;
  if (adjacent && x.isContiguous()) {
    const a = axes.length === 0 ? x.ndim : axes[0];
    const outer = sizeOf(x.shape.slice(0, a));
    const r = sizeOf(axes.map((i) => x.shape[i]));
    return [x, outer, r, sizeOf(x.shape.slice(a + axes.length))];
  }
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const px = contiguous(permute(x, [...kept, ...axes]));
  return [px, sizeOf(kept.map((i) => x.shape[i])), sizeOf(axes.map((i) => x.shape[i])), 1];
}

function reduceRaw(name: string, op: ReduceOp, x: Tensor, axes: readonly number[], keepDim: boolean): Tensor {
  const outShape = reducedShape(x.shape, axes, keepDim);
  if (axes.some((i) => x.shape[i] === 0) && (op === 'max' || op === 'min')) {
    throw new RangeError(`${name}: cannot reduce over an empty dimension (shape ${fmt(x.shape)}, dims ${fmt(axes)})`);
  }
  // Axes in separate runs of a contiguous tensor, e.g. (N, C, H, W) over [0, 2, 3]: reduce one run
  // at a time from the last, each a plain (outer, r, inner) block, instead of copying x permuted.
  const runs = axisRuns(axes);
  if (runs.length > 1 && x.isContiguous()) {
    let t = x;
    for (let k = runs.length - 1; k >= 0; k--) {
      const next = reduceBlock(op, t, runs[k]);
      if (t !== x) t.dispose(); // a partial result nothing else has seen
      t = next;
    }
    return reshape(t, outShape);
  }
  const [bx, outer, r, inner] = asBlock(x, axes);
  return reduceWith(op, bx, outer, r, inner, outShape);
}

/** Sorted axes split into runs of adjacent axes: [0, 2, 3] -> [[0], [2, 3]]. */
function axisRuns(axes: readonly number[]): number[][] {
  const runs: number[][] = [];
  for (const a of axes) {
    const last = runs.at(-1);
    if (last !== undefined && a === (last.at(-1) as number) + 1) last.push(a);
    else runs.push([a]);
  }
  return runs;
}

/** Contiguous `x` reduced over one run of adjacent axes, kept as size-1 dims. */
function reduceBlock(op: ReduceOp, x: Tensor, run: readonly number[]): Tensor {
  const outer = sizeOf(x.shape.slice(0, run[0]));
  const r = sizeOf(run.map((i) => x.shape[i]));
  const inner = sizeOf(x.shape.slice((run.at(-1) as number) + 1));
  return reduceWith(op, x, outer, r, inner, reducedShape(x.shape, run, true));
}

/** The reduction primitive on contiguous (outer, r, inner) `x`, into a new tensor of `shape`. */
function reduceWith(op: ReduceOp, x: Tensor, outer: number, r: number, inner: number, shape: Shape): Tensor {
  const outDtype: DType = x.dtype === 'bool' ? (op === 'sum' || op === 'prod' ? 'int32' : 'bool') : x.dtype;
  const dev = x.storage.device;
  return launch(dev, (b) => {
    const out = emptyTensor(shape, outDtype, op, dev);
    b.reduce(op, x, x.dtype, outer, r, inner, out);
    return out;
  });
}

/**
 * Sum over `dim` (all dims when omitted).
 * @example sum(tensor([[1, 2], [3, 4]]), 0).toArray() // [4, 6]
 */
export function sum(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  assertTensor('sum', x);
  const axes = normAxes('sum', dim, x.ndim);
  const y = reduceRaw('sum', 'sum', x, axes, keepDim);
  return attach(y, 'sum', [x], (g) => [expand(reshape(g, reducedShape(x.shape, axes, true)), x.shape)]);
}

/** Mean over `dim` (all dims when omitted). */
export function mean(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  assertTensor('mean', x);
  if (x.dtype !== 'float32') throw new TypeError(`mean: expected a float32 tensor, got ${x.dtype} (convert with .float())`);
  const axes = normAxes('mean', dim, x.ndim);
  const n = sizeOf(axes.map((i) => x.shape[i]));
  return composite([x], () => div(sum(x, axes, keepDim), n));
}

function extremum(op: 'max' | 'min', x: Tensor, dim: Dims, keepDim: boolean): Tensor {
  assertTensor(op, x);
  const axes = normAxes(op, dim, x.ndim);
  const y = reduceRaw(op, op, x, axes, keepDim);
  return attach(y, op, [x], (g) => {
    // the gradient is shared evenly among the elements equal to the extremum
    const keep = reducedShape(x.shape, axes, true);
    const hit = eq(x, reshape(y, keep));
    const count = sum(hit, axes, true);
    return [mul(hit, div(reshape(g, keep), count))];
  });
}
/** Maximum over `dim` (all dims when omitted). Use `argmax` for positions. */
export const max = (x: Tensor, dim?: Dims, keepDim = false): Tensor => extremum('max', x, dim, keepDim);
/** Minimum over `dim` (all dims when omitted). */
export const min = (x: Tensor, dim?: Dims, keepDim = false): Tensor => extremum('min', x, dim, keepDim);

/** Product over `dim` (all dims when omitted); the gradient is exact with zeros present. */
export function prod(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  assertTensor('prod', x);
  const axes = normAxes('prod', dim, x.ndim);
  const y = reduceRaw('prod', 'prod', x, axes, keepDim);
  return attach(y, 'prod', [x], (g) => {
    const keep = reducedShape(x.shape, axes, true);
    const yk = reshape(y, keep);
    const gk = reshape(g, keep);
    const zero = eq(x, 0);
    // for a zero element, the product of the others: nonzero only when it is the only zero
    const others = mul(prod(where(zero, 1, x), axes, true), eq(sum(zero, axes, true), 1));
    return [mul(gk, where(zero, others, div(yk, x)))];
  });
}

function argReduce(op: 'argmax' | 'argmin', x: Tensor, dim: number | undefined, keepDim: boolean): Tensor {
  assertTensor(op, x);
  const flat = dim === undefined;
  const src = flat ? reshape(x, [x.size]) : x;
  const axis = flat ? 0 : normAxis(op, dim, x.ndim);
  if (src.shape[axis] === 0) {
    throw new RangeError(`${op}: cannot take ${op} over an empty dimension (shape ${fmt(x.shape)}${flat ? '' : `, dim ${dim}`})`);
  }
  const [bx, outer, r, inner] = asBlock(src, [axis]);
  const shape = flat ? (keepDim ? x.shape.map(() => 1) : []) : reducedShape(x.shape, [axis], keepDim);
  const dev = x.storage.device;
  return launch(dev, (b) => {
    const out = emptyTensor(shape, 'int32', op, dev);
    b.argReduce(op, bx, bx.dtype, outer, r, inner, out);
    return out;
  });
}
/** Index of the maximum along `dim` (of the flattened tensor when omitted), int32. */
export const argmax = (x: Tensor, dim?: number, keepDim = false): Tensor => argReduce('argmax', x, dim, keepDim);
/** Index of the minimum along `dim` (of the flattened tensor when omitted), int32. */
export const argmin = (x: Tensor, dim?: number, keepDim = false): Tensor => argReduce('argmin', x, dim, keepDim);

export interface VarOptions {
  /** Subtracted from the count in the divisor: 1 (default) is Bessel's unbiased estimate. */
  correction?: number;
  /** PyTorch's older spelling: true is correction 1, false is correction 0 (the population variance). */
  unbiased?: boolean;
  keepDim?: boolean;
}

/** The checked options of var and std: a conflicting or unknown option is an error naming it. */
function varOptions(op: string, options: VarOptions | undefined): { correction: number; keepDim: boolean } {
  if (options === undefined) return { correction: 1, keepDim: false };
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new TypeError(
      `${op}: options must be an object such as { correction: 0, keepDim: true }, got ${options === null ? 'null' : typeof options}`,
    );
  for (const key of Object.keys(options)) {
    if (key !== 'correction' && key !== 'unbiased' && key !== 'keepDim')
      throw new TypeError(`${op}: unknown option '${key}' (known: correction, unbiased, keepDim)`);
  }
  const { correction, unbiased, keepDim = false } = options;
  if (correction !== undefined && !(typeof correction === 'number' && Number.isFinite(correction) && correction >= 0))
    throw new RangeError(`${op}: correction must be a non-negative number, got ${String(correction)}`);
  if (unbiased !== undefined && typeof unbiased !== 'boolean')
    throw new TypeError(`${op}: unbiased must be a boolean, got ${typeof unbiased}`);
  if (typeof keepDim !== 'boolean') throw new TypeError(`${op}: keepDim must be a boolean, got ${typeof keepDim}`);
  const fromUnbiased = unbiased === undefined ? undefined : unbiased ? 1 : 0;
  if (correction !== undefined && fromUnbiased !== undefined && correction !== fromUnbiased)
    throw new RangeError(
      `${op}: unbiased: ${unbiased} (correction ${fromUnbiased}) conflicts with correction: ${correction}; give one of them`,
    );
  return { correction: correction ?? fromUnbiased ?? 1, keepDim };
}

/**
 * Variance over `dim` (all dims when omitted), with Bessel's correction by default;
 * `{ correction: 0 }` or `{ unbiased: false }` give the population variance.
 * @example variance(tensor([1, 2, 3, 4]), 0, { unbiased: false }).item() // 1.25
 */
export function variance(x: Tensor, dim?: Dims, options?: VarOptions): Tensor {
  assertTensor('var', x);
  if (x.dtype !== 'float32') throw new TypeError(`var: expected a float32 tensor, got ${x.dtype} (convert with .float())`);
  const { correction, keepDim } = varOptions('var', options);
  const axes = normAxes('var', dim, x.ndim);
  const n = sizeOf(axes.map((i) => x.shape[i]));
  return composite([x], () => {
    const d = deviations(x, axes);
    return div(sum(mul(d, d), axes, keepDim), Math.max(0, n - correction));
  });
}

/**
 * x - mean(x) over `axes`, corrected for the mean's own rounding (the corrected two-pass
 * algorithm): the float32 mean of equal values may be off by a rounding step (sum(1.1 x 3) / 3),
 * which would give them a tiny nonzero spread, and std a huge gradient where PyTorch's is 0.
 */
function deviations(x: Tensor, axes: readonly number[]): Tensor {
  const d = sub(x, mean(x, axes, true));
  return sub(d, mean(d, axes, true));
}

/**
 * Standard deviation over `dim`, with Bessel's correction by default (options as `variance`).
 * Its gradient is (x - mean) / ((n - correction) std), and 0 where std is 0, as in PyTorch (the
 * composed sqrt(var) would give 0 * Infinity = NaN there).
 * @example std(tensor([[1, 3], [2, 2]]), 1).toArray() // [1.4142135, 0]
 */
export function std(x: Tensor, dim?: Dims, options?: VarOptions): Tensor {
  assertTensor('std', x);
  if (x.dtype !== 'float32') throw new TypeError(`std: expected a float32 tensor, got ${x.dtype} (convert with .float())`);
  const { correction, keepDim } = varOptions('std', options);
  const axes = normAxes('std', dim, x.ndim);
  const n = sizeOf(axes.map((i) => x.shape[i]));
  const y = noGrad(() => composite([x], () => sqrt(variance(x, axes, { correction, keepDim }))));
  return attach(y, 'std', [x], (g) => {
    const keep = reducedShape(x.shape, axes, true);
    const sk = reshape(y, keep);
    const d = deviations(x, axes);
    const scale = where(eq(sk, 0), 0, div(reshape(g, keep), mul(sk, Math.max(0, n - correction))));
    return [mul(d, scale)];
  });
}

/** log(sum(exp(x))) over `dim`, computed stably; -Infinity over an empty dim, like PyTorch. */
export function logSumExp(x: Tensor, dim?: Dims, keepDim = false): Tensor {
  assertTensor('logSumExp', x);
  const axes = normAxes('logSumExp', dim, x.ndim);
  if (axes.some((i) => x.shape[i] === 0)) {
    // the log of an empty sum, like PyTorch: -Infinity (max() would refuse the empty dim)
    const y = filled(reducedShape(x.shape, axes, keepDim), Number.NEGATIVE_INFINITY, 'float32', 'logSumExp', x.storage.device);
    return attach(y, 'logSumExp', [x], () => [zerosOf(x.shape, x)]);
  }
  return composite([x], () => {
    const m = max(x, axes, true).detach();
    const safe = where(eq(m, Number.POSITIVE_INFINITY), 0, where(eq(m, Number.NEGATIVE_INFINITY), 0, m));
    const s = log(sum(exp(sub(x, safe)), axes, true));
    const y = add(s, safe);
    return keepDim ? y : reshape(y, reducedShape(x.shape, axes, false));
  });
}

/** Sums a broadcast gradient `g` back down to `shape` (the inverse of broadcasting). */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (g.ndim === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const s = axes.length > 0 ? sum(g, axes, true) : g;
  return reshape(s, shape);
}

/** A zero tensor of `shape` on `like`'s device (helper for gradients of index ops). */
export function zerosOf(shape: Shape, like: Tensor): Tensor {
  return filled(shape, 0, 'float32', 'zeros', like.storage.device);
}
