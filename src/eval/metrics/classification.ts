// Classification metrics on class labels over a whole dataset, as scikit-learn.metrics: accuracy,
// balanced accuracy, and precision / recall / F1 / F-beta (options and averages in prf.ts). Inputs
// are integer labels (N): tensors, typed arrays or arrays. For the streaming versions used while
// training, see src/train/metrics.ts.

import { pairConfusion } from './classes.js';
import { type LabelsLike, labelPair, type ScoresLike, toWeights } from './inputs.js';
import { type PrfOptions, prfs } from './prf.js';
import { metricWarning, type WarningHandler } from './warnings.js';

/** Options of accuracy. */
export interface AccuracyScoreOptions {
  /** Default true: the fraction correct; false: the (weighted) number correct. */
  normalize?: boolean;
  /** Per-sample weights (N). */
  sampleWeight?: ScoresLike;
}

/**
 * The fraction (or number) of samples whose predicted label equals the true label.
 * @example accuracy([0, 1, 2, 3], [0, 2, 1, 3]) // 0.5
 * @example accuracy([0, 1, 2, 3], [0, 2, 1, 3], { normalize: false }) // 2
 */
export function accuracy(yTrue: LabelsLike, yPred: LabelsLike, options: AccuracyScoreOptions = {}): number {
  const [t, p] = labelPair('accuracy', yTrue, yPred);
  const w = toWeights('accuracy', options.sampleWeight, t.length);
  let hits = 0;
  let total = 0;
  if (w === null) {
    for (let i = 0; i < t.length; i++) if (t[i] === p[i]) hits++;
    total = t.length;
  } else {
    for (let i = 0; i < t.length; i++) {
      if (t[i] === p[i]) hits += w[i];
      total += w[i];
    }
  }
  if (options.normalize === false) return hits;
  if (total === 0) throw new RangeError('accuracy: sampleWeight sums to zero; the weighted mean is undefined');
  return hits / total;
}

/** Options of balancedAccuracy. */
export interface BalancedAccuracyOptions {
  /** Per-sample weights (N). */
  sampleWeight?: ScoresLike;
  /** Rescale so that chance scores 0 and perfect scores 1: (score - 1/K) / (1 - 1/K). Default false. */
  adjusted?: boolean;
  /** Receives warnings instead of console.warn. */
  onWarning?: WarningHandler;
}

/**
 * The mean of per-class recall over the classes present in yTrue (a predicted class that never
 * occurs in yTrue is left out, with a warning, as scikit-learn does).
 * @example balancedAccuracy([0, 1, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1]) // 0.625
 */
export function balancedAccuracy(yTrue: LabelsLike, yPred: LabelsLike, options: BalancedAccuracyOptions = {}): number {
  const fn = 'balancedAccuracy';
  const [t, p] = labelPair(fn, yTrue, yPred);
  const w = toWeights(fn, options.sampleWeight, t.length);
  const { k, cm } = pairConfusion(fn, undefined, t, p, w); // cm (K, K)
  let sum = 0;
  let present = 0;
  for (let c = 0; c < k; c++) {
    let row = 0;
    for (let j = 0; j < k; j++) row += cm[c * k + j];
    if (row === 0) continue;
    sum += cm[c * k + c] / row;
    present++;
  }
  if (present < k) metricWarning(`${fn}: yPred contains classes not in yTrue`, options.onWarning);
  let score = sum / present;
  if (options.adjusted) {
    const chance = 1 / present;
    score = (score - chance) / (1 - chance);
  }
  return score;
}

/**
 * Precision tp / (tp + fp): of the samples predicted as a class, the fraction that belong to it.
 * Default average 'binary' (class `posLabel`, default 1); see PrfOptions for the others.
 * @example precision([0, 1, 1, 0], [1, 1, 0, 0]) // 0.5
 * @example precision([0, 1, 2], [0, 2, 2], { average: null }) // [1, 0, 0.5]
 */
export function precision(yTrue: LabelsLike, yPred: LabelsLike, options: PrfOptions & { average: null }): number[];
export function precision(yTrue: LabelsLike, yPred: LabelsLike, options?: PrfOptions): number;
export function precision(yTrue: LabelsLike, yPred: LabelsLike, options: PrfOptions = {}): number | number[] {
  return prfs('precision', yTrue, yPred, options, 1, 'precision').precision;
}

/**
 * Recall tp / (tp + fn): of the samples of a class, the fraction predicted as it.
 * @example recall([0, 1, 1, 0], [1, 1, 0, 0]) // 0.5
 * @example recall([0, 1, 2, 2], [0, 2, 2, 1], { average: 'macro' }) // 0.5
 */
export function recall(yTrue: LabelsLike, yPred: LabelsLike, options: PrfOptions & { average: null }): number[];
export function recall(yTrue: LabelsLike, yPred: LabelsLike, options?: PrfOptions): number;
export function recall(yTrue: LabelsLike, yPred: LabelsLike, options: PrfOptions = {}): number | number[] {
  return prfs('recall', yTrue, yPred, options, 1, 'recall').recall;
}

/**
 * F1 score, the harmonic mean of precision and recall: 2 p r / (p + r).
 * @example f1([0, 1, 1, 0], [1, 1, 0, 0]) // 0.5
 * @example f1(yTrue, yPred, { average: 'macro' })
 */
export function f1(yTrue: LabelsLike, yPred: LabelsLike, options: PrfOptions & { average: null }): number[];
export function f1(yTrue: LabelsLike, yPred: LabelsLike, options?: PrfOptions): number;
export function f1(yTrue: LabelsLike, yPred: LabelsLike, options: PrfOptions = {}): number | number[] {
  return prfs('f1', yTrue, yPred, options, 1, 'f-score').fScore;
}

/**
 * F-beta score (1 + b^2) p r / (b^2 p + r): recall counts beta times as much as precision.
 * @example fBeta([0, 1, 1, 0], [1, 1, 1, 0], 2) // 0.909...
 */
export function fBeta(yTrue: LabelsLike, yPred: LabelsLike, beta: number, options: PrfOptions & { average: null }): number[];
export function fBeta(yTrue: LabelsLike, yPred: LabelsLike, beta: number, options?: PrfOptions): number;
export function fBeta(yTrue: LabelsLike, yPred: LabelsLike, beta: number, options: PrfOptions = {}): number | number[] {
  if (typeof beta !== 'number') throw new TypeError(`fBeta: beta must be a number, got ${typeof beta}`);
  return prfs('fBeta', yTrue, yPred, options, beta, 'f-score').fScore;
}
