// Bootstrap estimates of a model's prediction error (Efron & Tibshirani 1997, "Improvements on
// cross-validation: the .632+ bootstrap method", JASA 92:548-560). The model is refitted on each
// resample's in-bag rows and scored on its out-of-bag rows:
//   apparent  err  = mean loss of the model fitted on all rows, on those same rows (optimistic)
//   outOfBag  Err1 = for each row, the mean loss over the resamples that left it out; averaged over
//                    rows (rows never left out are dropped: raise nResamples if there are many)
//   e632           = .368 err + .632 Err1
//   gamma          = no-information error: the mean loss over all n^2 pairs (y_i, prediction_j) of
//                    the full-data model, the error if inputs and targets were unrelated
//   R'             = (min(Err1, gamma) - err) / (gamma - err) when Err1 > err and gamma > err, else 0
//   e632plus       = e632 + (min(Err1, gamma) - err) * (.368 * .632 * R') / (1 - .368 R')   (the paper's (32))
//   weight         = .632 / (1 - .368 R'), the weight of Err1 in e632plus (= (1 - w) err + w Err1 unless Err1 > gamma)
// These are errors: lower is better. For a score such as accuracy, use its error (zeroOne = 1 -
// accuracy). The loss is given per row, not as an aggregate metric, because Err1 and gamma average
// losses row by row (a mean-type metric such as MSE or log loss is the mean of its per-row loss).

import { Tensor } from '../core/tensor.js';
import { classRows, drawBootstrap } from './bootstrap.js';
import { type FitPredict, type PredictionRows, type Predictions, predictionRows, targetValues } from './predictions.js';
import type { Labels } from './splitters/labels.js';
import { generatorFor, range } from './splitters/splitter.js';

/** The loss of one row: its true target and its prediction row (one value, or e.g. C class probabilities). */
export type PointLoss = (yTrue: number, yPred: Float64Array) => number;

const EPS = 1e-15;

/**
 * Per-row losses by name. zeroOne: the prediction is the label (one value) or the argmax of the
 * row; squared and absolute: one value per row; logLoss: P(y = 1) (one value, y in {0, 1}) or the
 * class probabilities (row of C), clipped to [1e-15, 1 - 1e-15].
 *
 * @example POINT_LOSSES.logLoss(1, Float64Array.of(0.2, 0.8)) // -log(0.8)
 */
export const POINT_LOSSES = {
  zeroOne: (y: number, p: Float64Array) => (p.length === 1 ? (p[0] === y ? 0 : 1) : argmax(p) === y ? 0 : 1),
  squared: (y: number, p: Float64Array) => (single('squared', p) - y) ** 2,
  absolute: (y: number, p: Float64Array) => Math.abs(single('absolute', p) - y),
  logLoss: (y: number, p: Float64Array) => {
    if (p.length > 1) return -Math.log(clip(p[y]));
    const q = clip(p[0]);
    return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
  },
} satisfies Record<string, PointLoss>;

/** The name of a built-in per-row loss. */
export type PointLossName = keyof typeof POINT_LOSSES;

/** Bootstrap estimates of prediction error. */
export interface Bootstrap632Result {
  /** err: the full-data model's mean loss on its own training rows. */
  apparent: number;
  /** Err(1): the leave-one-out bootstrap (out-of-bag) error. */
  outOfBag: number;
  /** The .632 estimate. */
  e632: number;
  /** The .632+ estimate. */
  e632plus: number;
  /** The no-information error rate. */
  gamma: number;
  /** R', the relative overfitting rate after clamping, in [0, 1]. */
  relativeOverfitting: number;
  /** .632 / (1 - .368 R'). */
  weight: number;
  /** Resamples drawn. */
  nResamples: number;
  /** Rows that no resample left out (dropped from Err(1)). */
  neverOutOfBag: number;
}

/**
 * The .632 and .632+ estimates from predictions already made: the full-data model's predictions
 * for every row, and each resample's out-of-bag rows with the predictions for them.
 *
 * @example bootstrap632Estimates({ yTrue: y, apparent: fullPred, resamples: [{ outOfBag, pred }], loss: 'zeroOne' }).e632plus
 */
export function bootstrap632Estimates(input: {
  yTrue: ArrayLike<number> | Tensor;
  apparent: Predictions | ArrayLike<number>;
  resamples: readonly { outOfBag: Int32Array; pred: Predictions | ArrayLike<number> }[];
  loss: PointLoss | PointLossName;
}): Bootstrap632Result {
  const op = 'bootstrap632Estimates';
  const loss = resolvePointLoss(op, input.loss);
  const y = targetValues(op, 'yTrue', input.yTrue);
  const full = predictionRows(op, input.apparent, y.length);
  const resamples = input.resamples.map(({ outOfBag, pred }) => ({ outOfBag, rows: predictionRows(op, pred, outOfBag.length) }));
  return estimates(op, y, full, resamples, loss);
}

/** The estimates from predictions already read as rows (see bootstrap632Estimates). */
function estimates(
  op: string,
  y: Float64Array,
  full: PredictionRows,
  resamples: readonly { outOfBag: Int32Array; rows: PredictionRows }[],
  loss: PointLoss,
): Bootstrap632Result {
  const n = y.length;
  const rowOf = (data: Float64Array, cols: number, i: number) => data.subarray(i * cols, (i + 1) * cols);
  let apparent = 0;
  for (let i = 0; i < n; i++) apparent += loss(y[i], rowOf(full.data, full.cols, i));
  apparent /= n;

  const total = new Float64Array(n);
  const count = new Int32Array(n);
  for (const { outOfBag, rows } of resamples) {
    outOfBag.forEach((i, j) => {
      total[i] += loss(y[i], rowOf(rows.data, rows.cols, j));
      count[i]++;
    });
  }
  let outOfBag = 0;
  let seen = 0;
  for (let i = 0; i < n; i++) {
    if (count[i] > 0) {
      outOfBag += total[i] / count[i];
      seen++;
    }
  }
  if (seen === 0) throw new RangeError(`${op}: no row was ever out of bag; draw more resamples`);
  outOfBag /= seen;

  // gamma over all n^2 pairs, grouping the rows by target value (exact; fast for class labels)
  const byValue = new Map<number, number>();
  for (const v of y) byValue.set(v, (byValue.get(v) ?? 0) + 1);
  let gamma = 0;
  for (const [v, c] of byValue) {
    let s = 0;
    for (let j = 0; j < n; j++) s += loss(v, rowOf(full.data, full.cols, j));
    gamma += c * s;
  }
  gamma /= n * n;

  const e632 = 0.368 * apparent + 0.632 * outOfBag;
  const clamped = Math.min(outOfBag, gamma);
  const r = outOfBag > apparent && gamma > apparent ? (clamped - apparent) / (gamma - apparent) : 0;
  const e632plus = e632 + ((clamped - apparent) * (0.368 * 0.632 * r)) / (1 - 0.368 * r);
  return {
    apparent,
    outOfBag,
    e632,
    e632plus,
    gamma,
    relativeOverfitting: r,
    weight: 0.632 / (1 - 0.368 * r),
    nResamples: resamples.length,
    neverOutOfBag: n - seen,
  };
}

export interface BootstrapEvaluateOptions {
  /** Targets, one per row. */
  yTrue: ArrayLike<number> | Tensor;
  /** Fits a fresh model on trainIndex (with repeated rows) and predicts testIndex; fold -1 is the fit on all rows. */
  fitPredict: FitPredict;
  /** The per-row loss: 'zeroOne' (error rate), 'squared', 'absolute', 'logLoss', or (yTrue, predRow) => number. */
  loss: PointLoss | PointLossName;
  /** Number of resamples (model fits, plus one on all rows). Default 200. */
  nResamples?: number;
  /** Seed of the resampling. Default: drawn from the global generator. */
  seed?: number;
  /** Resample within each class: true for the classes of yTrue, or other labels. */
  stratify?: boolean | Labels;
  /** Called after each resample, e.g. for progress. */
  onResample?: (resample: number, nResamples: number) => void | Promise<void>;
}

/**
 * Estimates a model's prediction error by the bootstrap: out-of-bag, apparent, .632 and .632+.
 *
 * @example
 * const est = await bootstrapEvaluate({ yTrue: labels, loss: 'zeroOne', nResamples: 100, seed: 0,
 *   fitPredict: async ({ trainIndex, testIndex }) => (await fitModel(trainIndex)).predictLabels(testIndex) });
 * est.e632plus; // estimated error rate; 1 - est.e632plus estimates accuracy
 */
export async function bootstrapEvaluate(options: BootstrapEvaluateOptions): Promise<Bootstrap632Result> {
  const { fitPredict, nResamples = 200, onResample } = options;
  const op = 'bootstrapEvaluate';
  if (typeof fitPredict !== 'function')
    throw new TypeError(`${op}: fitPredict must be a function ({ trainIndex, testIndex, fold }) => predictions`);
  if (!Number.isInteger(nResamples) || nResamples < 1)
    throw new RangeError(`${op}: nResamples must be a positive integer, got ${nResamples}`);
  const loss = resolvePointLoss(op, options.loss);
  // tensors are read asynchronously (the read every device supports): targets here, predictions as they come
  const y = targetValues(op, 'yTrue', options.yTrue, options.yTrue instanceof Tensor ? await options.yTrue.data() : undefined);
  const n = y.length;
  const rowsOf = async (pred: Predictions, count: number): Promise<PredictionRows> =>
    predictionRows(op, pred, count, pred instanceof Tensor ? await pred.data() : undefined);
  const stratify = options.stratify === true ? y : options.stratify === false ? undefined : options.stratify;
  const byClass = stratify === undefined ? null : classRows(op, stratify, n);
  const g = generatorFor(options.seed);
  const all = range(0, n);
  const apparent = await rowsOf(await fitPredict({ trainIndex: all, testIndex: all, fold: -1 }), n);
  const resamples: { outOfBag: Int32Array; rows: PredictionRows }[] = [];
  for (let b = 0; b < nResamples; b++) {
    const { inBag, outOfBag } = drawBootstrap(n, byClass, g);
    if (outOfBag.length > 0) {
      const pred = await fitPredict({ trainIndex: inBag, testIndex: outOfBag, fold: b });
      resamples.push({ outOfBag, rows: await rowsOf(pred, outOfBag.length) });
    }
    await onResample?.(b, nResamples);
  }
  return { ...estimates('bootstrap632Estimates', y, apparent, resamples, loss), nResamples };
}

function resolvePointLoss(op: string, loss: PointLoss | PointLossName): PointLoss {
  if (typeof loss === 'function') return loss;
  if (typeof loss === 'string' && Object.hasOwn(POINT_LOSSES, loss)) return POINT_LOSSES[loss as PointLossName];
  throw new TypeError(
    `${op}: loss must be one of ${Object.keys(POINT_LOSSES).join(', ')} or a function (yTrue, predRow) => number; for a score like accuracy use its error ('zeroOne')`,
  );
}

function argmax(p: Float64Array): number {
  let k = 0;
  for (let i = 1; i < p.length; i++) if (p[i] > p[k]) k = i;
  return k;
}

function single(name: string, p: Float64Array): number {
  if (p.length !== 1) throw new RangeError(`${name} loss needs one prediction per row, got ${p.length}`);
  return p[0];
}

function clip(p: number): number {
  return Math.min(Math.max(p, EPS), 1 - EPS);
}
