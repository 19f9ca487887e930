// Log loss (cross-entropy of predicted probabilities), as scikit-learn 1.2's log_loss:
// probabilities are clipped to [eps, 1 - eps], each row is renormalised to sum to 1, and the loss
// is the mean of -log(probability of the true class). Computed in float64.

import { columnClasses, encode } from './classes.js';
import {
  assertFinite,
  assertLength,
  assertNotEmpty,
  type LabelsLike,
  type MatrixLike,
  type ScoresLike,
  toLabels,
  toMatrix,
  toWeights,
} from './inputs.js';

/** float32 and float64 machine epsilon: numpy.finfo(dtype).eps. */
const EPS32 = 2 ** -23;
const EPS64 = 2 ** -52;

/** Options of logLoss. */
export interface LogLossOptions {
  /** Clipping bound; default 'auto': the machine epsilon of the input (float32 tensors and Float32Arrays: 1.19e-7; otherwise 2.2e-16). */
  eps?: number | 'auto';
  /** Default true: the mean loss; false: the sum. */
  normalize?: boolean;
  /** Per-sample weights (N). */
  sampleWeight?: ScoresLike;
  /** The class of each column increasing (for (N) scores, the two classes; the second is the one scored); default [0, 1, ..., K-1]. */
  labels?: ArrayLike<number>;
  /** K, when yProb is a flat array of N * K values. */
  numClasses?: number;
}

/**
 * Log loss of probabilities: binary yProb (N) holds P(class 1); multiclass yProb (N, K) holds one
 * probability per class (a flat array with `numClasses`, or nested rows).
 * @example logLoss([0, 1, 1], [0.1, 0.9, 0.8]) // 0.1446...
 * @example logLoss([0, 2], [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]) // 0.2899...
 */
export function logLoss(yTrue: LabelsLike, yProb: MatrixLike, options: LogLossOptions = {}): number {
  const fn = 'logLoss';
  const t = toLabels(fn, 'yTrue', yTrue);
  const m = toMatrix(fn, 'yProb', yProb, options.numClasses);
  assertLength(fn, 'yProb', m.rows, t.length);
  assertNotEmpty(fn, t.length);
  const w = toWeights(fn, options.sampleWeight, t.length);
  const k = m.cols === 1 ? 2 : m.cols;
  const classes = columnClasses(fn, options.labels, k, m.cols === 1 ? 'yProb (N) scores two' : `yProb has ${k} columns`);
  const codes = encode(t, classes);
  const bad = codes.indexOf(-1);
  if (bad >= 0) throw new RangeError(`${fn}: yTrue[${bad}] is ${t[bad]}, not one of the classes [${classes.join(', ')}]; pass labels`);
  const eps = options.eps === undefined || options.eps === 'auto' ? (m.float32 ? EPS32 : EPS64) : options.eps;
  if (!(eps >= 0 && eps < 0.5)) throw new RangeError(`${fn}: eps must be 'auto' or a number in [0, 0.5), got ${options.eps}`);
  const hi = 1 - eps;
  const v = m.values;
  let total = 0;
  let raw = 0; // the sum of the inputs: not finite when one of them is not (checked after the loop)
  for (let i = 0; i < m.rows; i++) {
    let loss: number;
    if (m.cols === 1) {
      raw += v[i];
      const p1 = Math.min(Math.max(v[i], eps), hi);
      const p0 = 1 - p1;
      loss = -Math.log((codes[i] === 1 ? p1 : p0) / (p0 + p1));
    } else {
      let sum = 0;
      for (let j = i * k; j < i * k + k; j++) {
        raw += v[j];
        sum += Math.min(Math.max(v[j], eps), hi);
      }
      loss = -Math.log(Math.min(Math.max(v[i * k + codes[i]], eps), hi) / sum);
    }
    total += w === null ? loss : loss * w[i];
  }
  if (!Number.isFinite(raw)) assertFinite(fn, 'yProb', v);
  let weightSum = w === null ? m.rows : 0;
  for (let i = 0; w !== null && i < w.length; i++) weightSum += w[i];
  if (options.normalize === false) return total;
  if (weightSum === 0) throw new RangeError(`${fn}: sampleWeight sums to zero; the weighted mean is undefined`);
  return total / weightSum;
}
