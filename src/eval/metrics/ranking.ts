// Areas under threshold curves, as scikit-learn 1.2: ROC AUC (binary, partial, and multiclass
// through multiclass_roc.ts), average precision (the step-wise sum over the precision-recall
// curve) and PR AUC (the trapezoidal area under it, with `auc` of area.ts). Each sorts the scores
// once: O(N log N).

import { auc, binaryRocAuc } from './area.js';
import { binaryCurve, type CurveOptions, positives, prFromCurve } from './curves.js';
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
import { type MulticlassRocOptions, multiclassRocAuc } from './multiclass_roc.js';

/** Options of rocAuc. */
export interface RocAucOptions extends MulticlassRocOptions {
  /** Binary only: the standardised partial AUC over fpr in [0, maxFpr] (McClish correction). */
  maxFpr?: number;
  /** Binary only: the positive class. Default 1 (yTrue in {0, 1} or {-1, 1}). */
  posLabel?: number;
}

/**
 * Area under the ROC curve. Binary: yScore (N) scores of the positive class. Multiclass: yScore
 * (N, K) probabilities (rows summing to 1; a flat array with `numClasses`), one-vs-rest (default)
 * or one-vs-one, macro (default) or weighted; column j is class labels[j], by default class j.
 * @example rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) // 0.75
 * @example rocAuc([0, 1, 2], [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.3, 0.6]], { multiClass: 'ovo' }) // 1
 */
export function rocAuc(yTrue: LabelsLike, yScore: MatrixLike, options: RocAucOptions & { average: null }): number | number[];
export function rocAuc(yTrue: LabelsLike, yScore: MatrixLike, options?: RocAucOptions): number;
export function rocAuc(yTrue: LabelsLike, yScore: MatrixLike, options: RocAucOptions = {}): number | number[] {
  const fn = 'rocAuc';
  const labels = toLabels(fn, 'yTrue', yTrue);
  const m = toMatrix(fn, 'yScore', yScore, options.numClasses);
  assertLength(fn, 'yScore', m.rows, labels.length);
  assertNotEmpty(fn, labels.length);
  if (m.cols > 1) {
    if (options.maxFpr !== undefined && options.maxFpr !== 1) {
      throw new RangeError(`${fn}: maxFpr (partial AUC) is only defined for binary scores (N), got yScore of shape [${m.rows}, ${m.cols}]`);
    }
    return multiclassRocAuc(fn, labels, m, options);
  }
  assertFinite(fn, 'yScore', m.values);
  const w = toWeights(fn, options.sampleWeight, labels.length);
  return binaryRocAuc(fn, positives(fn, labels, options.posLabel), m.values, w, options.maxFpr);
}

/**
 * Average precision: the sum over thresholds of precision times the increase in recall (the
 * step-wise area under the precision-recall curve, no interpolation), as scikit-learn.
 * @example averagePrecision([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) // 0.8333...
 */
export function averagePrecision(yTrue: LabelsLike, yScore: ScoresLike, options: CurveOptions = {}): number {
  const fn = 'averagePrecision';
  const { precision, recall } = prFromCurve(fn, binaryCurve(fn, yTrue, yScore, options), options.onWarning);
  let sum = 0;
  for (let i = 0; i + 1 < recall.length; i++) sum += (recall[i + 1] - recall[i]) * precision[i];
  return -sum;
}

/**
 * The trapezoidal area under the precision-recall curve (scikit-learn's auc(recall, precision)).
 * It interpolates linearly between points, so it is usually a little above averagePrecision.
 * @example prAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) // 0.7916...
 */
export function prAuc(yTrue: LabelsLike, yScore: ScoresLike, options: CurveOptions = {}): number {
  const fn = 'prAuc';
  const { precision, recall } = prFromCurve(fn, binaryCurve(fn, yTrue, yScore, options), options.onWarning);
  return auc(recall, precision);
}
