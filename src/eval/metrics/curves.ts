// Threshold curves of a binary classifier's scores, as scikit-learn 1.2: the ROC curve and the
// precision-recall curve. Both come from one descending sweep over the scores sorted once
// (`binaryCurve`, O(N log N) overall, O(N) with the radix argsort): at each distinct score the
// cumulative true and false positives of predicting "positive" for every score >= it. Tied scores
// form one point, as in scikit-learn, and weighted sums are added in scikit-learn's order (the
// reverse of a stable ascending sort) so that results agree to the last bit.

import { uniqueLabels } from './classes.js';
import { assertLength, assertNotEmpty, type LabelsLike, type ScoresLike, toLabels, toScores, toWeights } from './inputs.js';
import { argsortStable } from './sort.js';
import { metricWarning, type WarningHandler } from './warnings.js';

/** Options of the binary curves and the metrics read from them (rocCurve, precisionRecallCurve, averagePrecision, prAuc, thresholds). */
export interface CurveOptions {
  /** The positive class. Default 1, and then yTrue must hold labels in {0, 1} or {-1, 1}. */
  posLabel?: number;
  /** Per-sample weights (N); zero-weight samples are left out. */
  sampleWeight?: ScoresLike;
  onWarning?: WarningHandler;
}

/** Cumulative counts at each distinct score, highest score first. */
export interface BinaryCurve {
  /** Negatives with score >= thresholds[i] (weighted). */
  fps: Float64Array;
  /** Positives with score >= thresholds[i] (weighted). */
  tps: Float64Array;
  /** The distinct scores, decreasing. */
  thresholds: Float64Array;
}

/**
 * 1 where yTrue is the positive class, checking that the positive class is unambiguous.
 * @example positives('rocCurve', Int32Array.of(0, 1, 1), undefined) // Uint8Array [0, 1, 1]
 */
export function positives(fn: string, yTrue: Int32Array, posLabel: number | undefined): Uint8Array {
  if (posLabel !== undefined && !Number.isInteger(posLabel)) throw new TypeError(`${fn}: posLabel must be an integer, got ${posLabel}`);
  const positive = posLabel ?? 1;
  const out = new Uint8Array(yTrue.length);
  let zero = false; // labels seen, for the checks below
  let minusOne = false;
  let other = false;
  let first = 0;
  let mixed = false;
  for (let i = 0; i < yTrue.length; i++) {
    const v = yTrue[i];
    if (v === positive) out[i] = 1;
    else if (v === 0) zero = true;
    else if (v === -1) minusOne = true;
    else other = true;
    if (v !== first) {
      if (i === 0) first = v;
      else mixed = true;
    }
  }
  const present = () => uniqueLabels(yTrue).slice(0, 10).join(', ');
  if (posLabel === undefined && (other || (zero && minusOne))) {
    throw new RangeError(`${fn}: yTrue holds labels [${present()}], not {0, 1} or {-1, 1}; pass posLabel to say which is positive`);
  }
  if (posLabel !== undefined && mixed && !out.includes(1)) {
    throw new RangeError(`${fn}: posLabel ${posLabel} is not a label of yTrue; it should be one of [${present()}]`);
  }
  return out;
}

/**
 * True and false positive counts per distinct threshold (scikit-learn's _binary_clf_curve).
 * @example binaryCurve('rocCurve', [0, 1, 1], [0.2, 0.8, 0.8], {}) // fps [0, 1], tps [2, 2], thresholds [0.8, 0.2]
 */
export function binaryCurve(fn: string, yTrue: LabelsLike, yScore: ScoresLike, options: CurveOptions): BinaryCurve {
  const labels = toLabels(fn, 'yTrue', yTrue);
  let scores = toScores(fn, 'yScore', yScore);
  assertLength(fn, 'yScore', scores.length, labels.length);
  assertNotEmpty(fn, labels.length);
  let weights = toWeights(fn, options.sampleWeight, labels.length);
  let pos = positives(fn, labels, options.posLabel);
  if (weights !== null) [pos, scores, weights] = dropZeroWeights(pos, scores, weights);
  return sweep(pos, scores, weights);
}

/**
 * The samples with non-zero weight (scikit-learn leaves the others out of curves).
 * @example dropZeroWeights(Uint8Array.of(1, 0), [0.3, 0.5], [0, 2]) // [Uint8Array [0], Float64Array [0.5], Float64Array [2]]
 */
export function dropZeroWeights(
  pos: Uint8Array,
  scores: ArrayLike<number>,
  w: ArrayLike<number>,
): [Uint8Array, Float64Array, Float64Array] {
  let kept = 0;
  for (let i = 0; i < w.length; i++) if (w[i] !== 0) kept++;
  const p = new Uint8Array(kept);
  const s = new Float64Array(kept);
  const ww = new Float64Array(kept);
  for (let i = 0, j = 0; i < w.length; i++) {
    if (w[i] === 0) continue;
    p[j] = pos[i];
    s[j] = scores[i];
    ww[j++] = w[i];
  }
  return [p, s, ww];
}

/**
 * The descending sweep over sorted scores; `pos` is 1 for positives. Inputs are checked by the caller.
 * @example sweep(Uint8Array.of(0, 1, 1), [0.2, 0.8, 0.8], null) // fps [0, 1], tps [2, 2], thresholds [0.8, 0.2]
 */
export function sweep(pos: Uint8Array, scores: ArrayLike<number>, weights: ArrayLike<number> | null): BinaryCurve {
  const n = scores.length;
  const order = argsortStable(scores); // ascending; walked backwards = scikit-learn's order
  // gather once into descending order, so the sweep below reads memory in sequence
  const s = new Float64Array(n);
  const isPos = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = order[n - 1 - k];
    s[k] = scores[i];
    isPos[k] = pos[i];
  }
  const w = weights === null ? null : Float64Array.from(order.reverse(), (i) => weights[i]);
  let m = 0;
  for (let k = 0; k < n; k++) if (k === n - 1 || s[k + 1] !== s[k]) m++;
  const fps = new Float64Array(m);
  const tps = new Float64Array(m);
  const thresholds = new Float64Array(m);
  let tp = 0;
  let fp = 0;
  for (let k = 0, j = 0; k < n; k++) {
    if (w === null) tp += isPos[k];
    else if (isPos[k]) tp += w[k];
    else fp += w[k];
    if (k === n - 1 || s[k + 1] !== s[k]) {
      tps[j] = tp;
      fps[j] = w === null ? k + 1 - tp : fp; // unweighted: samples so far minus positives
      thresholds[j++] = s[k];
    }
  }
  return { fps, tps, thresholds };
}

/** A ROC curve: points (fpr[i], tpr[i]) for predicting positive when score >= thresholds[i]. */
export interface RocCurve {
  /** False positive rates, increasing from 0. */
  fpr: Float64Array;
  /** True positive rates, increasing from 0. */
  tpr: Float64Array;
  /** Decreasing; thresholds[0] = max(yScore) + 1 stands for predicting no positives (scikit-learn 1.2). */
  thresholds: Float64Array;
}

/**
 * The ROC curve of binary scores, as scikit-learn 1.2's roc_curve. With `dropIntermediate`
 * (default true) points collinear with their neighbours are left out; they change no area.
 * Without negatives (or positives) fpr (tpr) is NaN, with a warning.
 * @example rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) // fpr [0, 0, 0.5, 0.5, 1], tpr [0, 0.5, 0.5, 1, 1], thresholds [1.8, 0.8, 0.4, 0.35, 0.1]
 */
export function rocCurve(yTrue: LabelsLike, yScore: ScoresLike, options: CurveOptions & { dropIntermediate?: boolean } = {}): RocCurve {
  const fn = 'rocCurve';
  return rocFromCurve(fn, binaryCurve(fn, yTrue, yScore, options), options.dropIntermediate ?? true, options.onWarning);
}

/**
 * The ROC curve from a binary curve (rocCurve's second half, shared with rocAuc).
 * @example rocFromCurve('rocCurve', sweep(pos, scores, null), true).tpr
 */
export function rocFromCurve(fn: string, c: BinaryCurve, dropIntermediate: boolean, onWarning?: WarningHandler): RocCurve {
  let { fps, tps, thresholds } = c;
  const m = fps.length;
  if (dropIntermediate && m > 2) {
    // keep the ends and every point where fps or tps changes slope (numpy's diff(x, 2) != 0)
    const [f, t, th] = [new Float64Array(m), new Float64Array(m), new Float64Array(m)];
    let kept = 0;
    for (let i = 0; i < m; i++) {
      if (i > 0 && i < m - 1) {
        const bendF = fps[i + 1] - fps[i] - (fps[i] - fps[i - 1]);
        const bendT = tps[i + 1] - tps[i] - (tps[i] - tps[i - 1]);
        if (bendF === 0 && bendT === 0) continue;
      }
      f[kept] = fps[i];
      t[kept] = tps[i];
      th[kept++] = thresholds[i];
    }
    [fps, tps, thresholds] = [f.subarray(0, kept), t.subarray(0, kept), th.subarray(0, kept)];
  }
  const k = fps.length + 1;
  const fpr = new Float64Array(k);
  const tpr = new Float64Array(k);
  const th = new Float64Array(k);
  th[0] = thresholds[0] + 1;
  th.set(thresholds, 1);
  const negatives = fps[k - 2];
  const positiveCount = tps[k - 2];
  if (negatives <= 0) metricWarning(`${fn}: no negative samples in yTrue, so false positive rates are undefined (NaN)`, onWarning);
  if (positiveCount <= 0) metricWarning(`${fn}: no positive samples in yTrue, so true positive rates are undefined (NaN)`, onWarning);
  for (let i = 1; i < k; i++) {
    fpr[i] = negatives <= 0 ? Number.NaN : fps[i - 1] / negatives;
    tpr[i] = positiveCount <= 0 ? Number.NaN : tps[i - 1] / positiveCount;
  }
  if (negatives <= 0) fpr[0] = Number.NaN;
  if (positiveCount <= 0) tpr[0] = Number.NaN;
  return { fpr, tpr, thresholds: th };
}

/** A precision-recall curve: precision[i], recall[i] when predicting positive for score >= thresholds[i]. */
export interface PrecisionRecallCurve {
  /** Ends with 1 (no threshold): the point (recall 0, precision 1). */
  precision: Float64Array;
  /** Decreasing, ends with 0. */
  recall: Float64Array;
  /** The distinct scores, increasing (one fewer than precision and recall). */
  thresholds: Float64Array;
}

/**
 * The precision-recall curve of binary scores, as scikit-learn 1.2's precision_recall_curve.
 * Without positives in yTrue recall is 1 at every threshold, with a warning.
 * @example precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) // precision [0.5, 0.667, 0.5, 1, 1], recall [1, 1, 0.5, 0.5, 0], thresholds [0.1, 0.35, 0.4, 0.8]
 */
export function precisionRecallCurve(yTrue: LabelsLike, yScore: ScoresLike, options: CurveOptions = {}): PrecisionRecallCurve {
  const fn = 'precisionRecallCurve';
  return prFromCurve(fn, binaryCurve(fn, yTrue, yScore, options), options.onWarning);
}

/**
 * The precision-recall curve from a binary curve (shared with averagePrecision and prAuc).
 * @example prFromCurve('prAuc', sweep(pos, scores, null)).precision
 */
export function prFromCurve(fn: string, c: BinaryCurve, onWarning?: WarningHandler): PrecisionRecallCurve {
  const { fps, tps, thresholds } = c;
  const m = tps.length;
  const total = tps[m - 1];
  if (total === 0) metricWarning(`${fn}: no positive class found in yTrue, recall is set to one for all thresholds`, onWarning);
  const precision = new Float64Array(m + 1);
  const recall = new Float64Array(m + 1);
  const th = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const j = m - 1 - i; // reversed: increasing thresholds
    const predicted = tps[j] + fps[j];
    precision[i] = predicted !== 0 ? tps[j] / predicted : 0;
    recall[i] = total === 0 ? 1 : tps[j] / total;
    th[i] = thresholds[j];
  }
  precision[m] = 1;
  recall[m] = 0;
  return { precision, recall, thresholds: th };
}
