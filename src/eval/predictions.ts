// What crossValidate and the bootstrap hand to user code and take back: the fold context given to
// `fitPredict`, the predictions it returns (a Float64Array with one value per test row, or a tensor
// whose first dim is the test rows), the metric functions applied to them, and the small helpers
// that read targets and predictions as row-major float64 matrices.

import { Tensor } from '../core/tensor.js';

/** Predictions for some rows: one number per row, or a tensor (rows, ...) such as class probabilities (rows, C). */
export type Predictions = Float64Array | Tensor;

/**
 * A metric computed from the true targets of some rows and the predictions for them, e.g. accuracy
 * or mean squared error. Return NaN where it is undefined (a single class for ROC-AUC).
 *
 * @example const mse: MetricFn = (y, p) => { const q = p as Float64Array; return y.reduce((s, v, i) => s + (v - q[i]) ** 2, 0) / y.length; };
 */
export type MetricFn = (yTrue: Float64Array, yPred: Predictions) => number;
/**
 * A fold metric that may read tensor predictions asynchronously (`await yPred.data()`, which every
 * device supports): crossValidate awaits it.
 * @example const acc: AsyncMetricFn = async (y, p) => accuracyOf(y, p instanceof Float64Array ? p : await p.data());
 */
export type AsyncMetricFn = (yTrue: Float64Array, yPred: Predictions) => number | Promise<number>;

/** What `fitPredict` is given: fit on `trainIndex` (may repeat rows in a bootstrap), predict `testIndex`. */
export interface FoldContext {
  readonly trainIndex: Int32Array;
  readonly testIndex: Int32Array;
  /** The fold (or bootstrap resample) number from 0; -1 for bootstrapEvaluate's fit on all rows. */
  readonly fold: number;
}

/**
 * Trains a fresh model on the training rows and returns its predictions for the test rows, in
 * `testIndex` order. Any model works: a tessera Trainer, a hand-written loop, a closed form.
 *
 * @example const fitPredict: FitPredict = ({ trainIndex, testIndex }) => { const m = mean(y, trainIndex); return new Float64Array(testIndex.length).fill(m); };
 */
export type FitPredict = (context: FoldContext) => Predictions | Promise<Predictions>;

/** Predictions as a row-major matrix: `rows` x `cols` values (cols 1 for one number per row). */
export interface PredictionRows {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
  /** The shape of one row ([] for one number per row), to rebuild tensors. */
  readonly rowShape: readonly number[];
}

/**
 * Reads predictions as rows, checking that there are `rows` of them; `op` names the caller.
 * `values`: a tensor's values already read (`await pred.data()`), so that nothing is read synchronously.
 * @example predictionRows('crossValidate', probs, 10) // probs (10, 3) -> { rows: 10, cols: 3, ... }
 */
export function predictionRows(
  op: string,
  pred: Predictions | ArrayLike<number>,
  rows: number,
  values?: ArrayLike<number>,
): PredictionRows {
  if (pred instanceof Tensor) {
    if (pred.ndim === 0 || pred.shape[0] !== rows) {
      throw new RangeError(
        `${op}: predictions have shape [${pred.shape.join(', ')}]; expected ${rows} rows (one per test row) along dim 0`,
      );
    }
    const data = Float64Array.from(values ?? (pred.toTypedArray() as ArrayLike<number>));
    const rowShape = pred.shape.slice(1);
    return { data, rows, cols: rows === 0 ? rowShape.reduce((a, b) => a * b, 1) : data.length / rows, rowShape };
  }
  if (pred === null || typeof pred !== 'object' || typeof pred.length !== 'number') {
    throw new TypeError(
      `${op}: predictions must be a Float64Array (one value per test row) or a Tensor, got ${pred === null ? 'null' : typeof pred}`,
    );
  }
  if (pred.length !== rows)
    throw new RangeError(`${op}: got ${pred.length} predictions for ${rows} test rows; return one per test row, in testIndex order`);
  return { data: pred instanceof Float64Array ? pred : Float64Array.from(pred), rows, cols: 1, rowShape: [] };
}

/**
 * True targets as float64, one per row: an array, a typed array, or a tensor (N) or (N, 1).
 * `values`: a tensor's values already read (`await y.data()`), so that nothing is read synchronously.
 * @example targetValues('bootstrapCI', 'yTrue', labels) // Float64Array
 */
export function targetValues(op: string, what: string, y: ArrayLike<number> | Tensor, values?: ArrayLike<number>): Float64Array {
  if (y instanceof Tensor) {
    if (y.ndim === 1 || (y.ndim === 2 && y.shape[1] === 1)) return Float64Array.from(values ?? (y.toTypedArray() as ArrayLike<number>));
    throw new RangeError(`${op}: ${what} must hold one target per row, shape (N) or (N, 1); got [${y.shape.join(', ')}]`);
  }
  if (y === null || typeof y !== 'object' || typeof y.length !== 'number') {
    throw new TypeError(`${op}: ${what} must be an array, a typed array or a tensor of numbers, got ${y === null ? 'null' : typeof y}`);
  }
  return y instanceof Float64Array ? y : Float64Array.from(y);
}

/** Rows `indices` of a row-major matrix with `cols` columns (cols 1: values[indices]), as a new Float64Array. */
export function gatherRows(values: Float64Array, indices: ArrayLike<number>, cols = 1): Float64Array {
  const out = new Float64Array(indices.length * cols);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i] * cols;
    for (let c = 0; c < cols; c++) out[i * cols + c] = values[r + c];
  }
  return out;
}
