// Agreement between true and predicted labels beyond chance, from the confusion matrix: the
// Matthews correlation coefficient (multiclass form) and Cohen's kappa (unweighted, linear or
// quadratic), as scikit-learn's matthews_corrcoef and cohen_kappa_score.

import { pairConfusion } from './classes.js';
import { type LabelsLike, labelPair, type ScoresLike, toWeights } from './inputs.js';

/**
 * The Matthews correlation coefficient: +1 perfect, 0 chance, -1 inverse; 0 when undefined
 * (all samples in one true class or one predicted class).
 * @example matthewsCorrcoef([1, 1, 1, 0], [1, 0, 1, 1]) // -0.333...
 */
export function matthewsCorrcoef(yTrue: LabelsLike, yPred: LabelsLike, options: { sampleWeight?: ScoresLike } = {}): number {
  const fn = 'matthewsCorrcoef';
  const [t, p] = labelPair(fn, yTrue, yPred);
  const w = toWeights(fn, options.sampleWeight, t.length);
  const { k, cm } = pairConfusion(fn, undefined, t, p, w); // cm (K, K)
  const tSum = new Float64Array(k);
  const pSum = new Float64Array(k);
  let correct = 0;
  for (let i = 0; i < k; i++) {
    correct += cm[i * k + i];
    for (let j = 0; j < k; j++) {
      tSum[i] += cm[i * k + j];
      pSum[j] += cm[i * k + j];
    }
  }
  const n = pSum.reduce((s, v) => s + v, 0);
  const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);
  const covTP = correct * n - dot(tSum, pSum);
  const covPP = n ** 2 - dot(pSum, pSum);
  const covTT = n ** 2 - dot(tSum, tSum);
  if (covPP * covTT === 0) return 0;
  return covTP / Math.sqrt(covTT * covPP);
}

/** Options of cohenKappa. */
export interface CohenKappaOptions {
  /** The classes and their order (for the weights' distances); default: the sorted labels present. */
  labels?: ArrayLike<number>;
  /** Disagreement weights: none (default; 0 on the diagonal, 1 elsewhere), 'linear' |i - j| or 'quadratic' (i - j)^2. */
  weights?: 'linear' | 'quadratic';
  /** Per-sample weights (N). */
  sampleWeight?: ScoresLike;
}

/**
 * Cohen's kappa between two labelings (1 - observed / expected disagreement); NaN when undefined.
 * @example cohenKappa([0, 1, 2, 2], [0, 1, 2, 1]) // 0.636...
 */
export function cohenKappa(y1: LabelsLike, y2: LabelsLike, options: CohenKappaOptions = {}): number {
  const fn = 'cohenKappa';
  const [t, p] = labelPair(fn, y1, y2, 'y2');
  const sw = toWeights(fn, options.sampleWeight, t.length);
  const { weights } = options;
  if (weights !== undefined && weights !== 'linear' && weights !== 'quadratic') {
    throw new RangeError(`${fn}: weights must be 'linear', 'quadratic' or left out, got ${JSON.stringify(weights)}`);
  }
  const { k, cm } = pairConfusion(fn, options.labels, t, p, sw); // cm (K, K)
  const sum0 = new Float64Array(k); // column sums
  const sum1 = new Float64Array(k); // row sums
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      sum0[j] += cm[i * k + j];
      sum1[i] += cm[i * k + j];
    }
  }
  const total = sum0.reduce((s, v) => s + v, 0);
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const d = weights === 'linear' ? Math.abs(i - j) : weights === 'quadratic' ? (i - j) ** 2 : i === j ? 0 : 1;
      observed += d * cm[i * k + j];
      expected += (d * sum0[i] * sum1[j]) / total;
    }
  }
  return 1 - observed / expected;
}
