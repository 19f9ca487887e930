// Argument normalisation for the whole-dataset metrics: tensors, typed arrays, plain arrays and
// nested rows become flat numeric arrays with a known shape, checked once here (lengths, integer
// labels, finite scores, weights) so that each metric's loop can trust its inputs. Typed arrays
// are read in place, never copied; errors name the function, the argument and the bad value.

import { fmt } from '../../core/shape.js';
import { Tensor } from '../../core/tensor.js';

/** Class labels (N): integers, as a tensor (int32 or float holding integers), typed array or array. */
export type LabelsLike = Tensor | ArrayLike<number>;
/** One score per sample (N): the positive class's probability, a logit or any decision value. */
export type ScoresLike = Tensor | ArrayLike<number>;
/** Values (N) or (N, K): a tensor, a flat array (with the width given separately) or nested rows. */
export type MatrixLike = Tensor | ArrayLike<number> | ArrayLike<ArrayLike<number>>;

/** A flat row-major view of a (rows, cols) matrix; `cols` is 1 for a 1-D input. */
export interface Matrix {
  values: ArrayLike<number>;
  rows: number;
  cols: number;
  /** The input was 1-D (N) rather than (N, K). */
  flat: boolean;
  /** The values are float32 (a Float32Array or float32 tensor): sets log loss's automatic eps. */
  float32: boolean;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (typeof x === 'number') return String(x);
  if (typeof x === 'string') return JSON.stringify(x);
  return typeof x;
}

function isNested(x: ArrayLike<unknown>): x is ArrayLike<ArrayLike<number>> {
  return x.length > 0 && typeof x[0] === 'object' && x[0] !== null;
}

/**
 * Any accepted input as a flat row-major matrix. Tensors of rank 1 are (N, 1) with `flat` set,
 * rank 2 are (N, K); plain 1-D arrays are (N) unless `width` splits them into rows.
 * @example toMatrix('logLoss', 'yProb', [[0.9, 0.1], [0.2, 0.8]]) // { rows: 2, cols: 2, ... }
 */
export function toMatrix(fn: string, arg: string, x: MatrixLike, width?: number): Matrix {
  if (x instanceof Tensor) {
    if (x.ndim > 2 || (x.ndim === 2 && width !== undefined && x.shape[1] !== width)) {
      throw new RangeError(`${fn}: ${arg} must be (N) or (N, K), got shape ${fmt(x.shape)}`);
    }
    const values = x.toTypedArray();
    const rows = x.ndim === 0 ? 1 : x.shape[0];
    const cols = x.ndim === 2 ? x.shape[1] : 1;
    return withWidth(fn, arg, { values, rows, cols, flat: x.ndim < 2, float32: x.dtype === 'float32' }, width);
  }
  if (x === null || typeof x !== 'object' || typeof (x as ArrayLike<number>).length !== 'number') {
    throw new TypeError(`${fn}: ${arg} must be a Tensor, a typed array or an array of numbers, got ${describe(x)}`);
  }
  if (isNested(x)) return fromRows(fn, arg, x, width);
  const values = x as ArrayLike<number>;
  if (!ArrayBuffer.isView(values)) {
    for (let i = 0; i < values.length; i++) {
      if (typeof values[i] !== 'number') throw new TypeError(`${fn}: ${arg}[${i}] must be a number, got ${describe(values[i])}`);
    }
  }
  const matrix = { values, rows: values.length, cols: 1, flat: true, float32: values instanceof Float32Array };
  return withWidth(fn, arg, matrix, width);
}

function withWidth(fn: string, arg: string, m: Matrix, width: number | undefined): Matrix {
  if (width === undefined || !m.flat || width === 1) return m;
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`${fn}: numClasses must be a positive integer, got ${width}`);
  if (m.values.length % width !== 0) {
    throw new RangeError(`${fn}: ${arg} has ${m.values.length} values, not a multiple of numClasses = ${width}`);
  }
  return { ...m, rows: m.values.length / width, cols: width, flat: false };
}

function fromRows(fn: string, arg: string, rows: ArrayLike<ArrayLike<number>>, width: number | undefined): Matrix {
  const cols = rows[0].length;
  if (width !== undefined && cols !== width) throw new RangeError(`${fn}: ${arg} rows must have ${width} values, got ${cols}`);
  const values = new Float64Array(rows.length * cols);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row === null || typeof row !== 'object' || row.length !== cols) {
      throw new RangeError(`${fn}: ${arg}[${i}] must be a row of ${cols} numbers (as ${arg}[0]), got ${describe(row?.length ?? row)}`);
    }
    for (let j = 0; j < cols; j++) {
      if (typeof row[j] !== 'number') throw new TypeError(`${fn}: ${arg}[${i}][${j}] must be a number, got ${describe(row[j])}`);
      values[i * cols + j] = row[j];
    }
  }
  return { values, rows: rows.length, cols, flat: false, float32: false };
}

/**
 * Integer class labels (N) as an Int32Array (an Int32Array input is used as is).
 * @example toLabels('accuracy', 'yTrue', [0, 2, 1]) // Int32Array [0, 2, 1]
 */
export function toLabels(fn: string, arg: string, x: LabelsLike): Int32Array {
  const m = toMatrix(fn, arg, x);
  if (m.cols !== 1) {
    throw new RangeError(`${fn}: ${arg} must be 1-D class labels (N), got shape [${m.rows}, ${m.cols}] (take argmax over classes first)`);
  }
  if (m.values instanceof Int32Array) return m.values;
  const out = new Int32Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    const v = m.values[i];
    if (!Number.isInteger(v) || Math.abs(v) > 0x7fffffff) {
      throw new TypeError(`${fn}: ${arg} must hold integer class labels, got ${v} at index ${i}`);
    }
    out[i] = v;
  }
  return out;
}

/**
 * Throws unless every value is finite (not NaN or infinite), naming the first bad one.
 * @example assertFinite('rocAuc', 'yScore', [0.5, NaN]) // RangeError: rocAuc: yScore must be finite, got NaN at index 1
 */
export function assertFinite(fn: string, arg: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) throw new RangeError(`${fn}: ${arg} must be finite, got ${v} at index ${i}`);
  }
}

/**
 * One finite score per sample (N), read in place; an (N, 1) tensor counts as (N).
 * @example toScores('rocAuc', 'yScore', [0.1, 0.8]).length // 2
 */
export function toScores(fn: string, arg: string, x: ScoresLike): ArrayLike<number> {
  const m = toMatrix(fn, arg, x);
  if (m.cols !== 1) throw new RangeError(`${fn}: ${arg} must be 1-D scores (N), got shape [${m.rows}, ${m.cols}]`);
  assertFinite(fn, arg, m.values);
  return m.values;
}

/**
 * Throws unless `n` (the length of `arg`) equals `expected` (the length of yTrue).
 * @example assertLength('f1', 'yPred', 2, 3) // RangeError: f1: yPred has 2 samples but yTrue has 3; they must match
 */
export function assertLength(fn: string, arg: string, n: number, expected: number, of = 'yTrue'): void {
  if (n !== expected) throw new RangeError(`${fn}: ${arg} has ${n} samples but ${of} has ${expected}; they must match`);
}

/**
 * Throws when there are no samples: every metric needs at least one.
 * @example assertNotEmpty('accuracy', 0) // RangeError: accuracy: yTrue is empty; ...
 */
export function assertNotEmpty(fn: string, n: number): void {
  if (n === 0) throw new RangeError(`${fn}: yTrue is empty; a metric needs at least one sample`);
}

/**
 * Per-sample weights (N), finite and non-negative, or null when not given.
 * @example toWeights('accuracy', [1, 2, 1], 3) // Float64Array-like [1, 2, 1]
 */
export function toWeights(fn: string, x: ScoresLike | undefined, n: number): ArrayLike<number> | null {
  if (x === undefined) return null;
  const w = toScores(fn, 'sampleWeight', x);
  assertLength(fn, 'sampleWeight', w.length, n);
  for (let i = 0; i < w.length; i++) {
    if (w[i] < 0) throw new RangeError(`${fn}: sampleWeight must be non-negative, got ${w[i]} at index ${i}`);
  }
  return w;
}

/**
 * yTrue and yPred as labels of one length (at least one sample).
 * @example const [t, p] = labelPair('accuracy', [0, 1], tensor([1, 1]));
 */
export function labelPair(fn: string, yTrue: LabelsLike, yPred: LabelsLike, predArg = 'yPred'): [Int32Array, Int32Array] {
  const t = toLabels(fn, 'yTrue', yTrue);
  const p = toLabels(fn, predArg, yPred);
  assertLength(fn, predArg, p.length, t.length);
  assertNotEmpty(fn, t.length);
  return [t, p];
}
