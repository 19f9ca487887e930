// Choosing a decision threshold for binary scores (a fraud detector flags a transaction when its
// score is >= the threshold): the threshold that maximises F1 (or F-beta, or Youden's J = tpr -
// fpr), or the one that gives the most recall at a minimum precision, or the most precision at a
// minimum recall. All read the same sorted sweep as the curves: O(N log N).

import { type BinaryCurve, binaryCurve, type CurveOptions } from './curves.js';
import type { LabelsLike, ScoresLike } from './inputs.js';

/** One operating point: predict positive when score >= threshold. */
export interface ThresholdPoint {
  threshold: number;
  precision: number;
  recall: number;
  /** False positive rate: the fraction of negatives flagged. */
  fpr: number;
}

/** What `bestThreshold` maximises. */
export type ThresholdMetric = 'f1' | 'fbeta' | 'youden';

/** Options of bestThreshold. */
export interface BestThresholdOptions extends CurveOptions {
  /** Default 'f1'. 'fbeta' uses `beta`; 'youden' maximises tpr - fpr on the ROC curve. */
  metric?: ThresholdMetric;
  /** For 'fbeta': recall counts beta times as much as precision. Default 1. */
  beta?: number;
}

/** The operating points of a curve, highest threshold first. */
function points(fn: string, c: BinaryCurve): ThresholdPoint[] {
  const m = c.tps.length;
  const pos = c.tps[m - 1];
  const neg = c.fps[m - 1];
  if (pos === 0) throw new RangeError(`${fn}: yTrue holds no positive samples, so no threshold can find any`);
  return Array.from({ length: m }, (_, i) => ({
    threshold: c.thresholds[i],
    precision: c.tps[i] / (c.tps[i] + c.fps[i]),
    recall: c.tps[i] / pos,
    fpr: neg === 0 ? 0 : c.fps[i] / neg,
  }));
}

/** The point maximising `score` among those passing `ok`; ties keep the highest threshold. */
function pick(all: ThresholdPoint[], score: (p: ThresholdPoint) => number, ok: (p: ThresholdPoint) => boolean = () => true) {
  let best: ThresholdPoint | null = null;
  let bestScore = -Infinity;
  for (const p of all) {
    if (!ok(p)) continue;
    const s = score(p);
    if (s > bestScore) [best, bestScore] = [p, s];
  }
  return best === null ? null : { ...best, score: bestScore };
}

/**
 * The threshold maximising F1 (or F-beta, or Youden's J) over every distinct score; ties keep the
 * highest threshold. `score` is the maximised value.
 * @example bestThreshold([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) // { threshold: 0.35, precision: 0.667, recall: 1, score: 0.8, ... }
 */
export function bestThreshold(
  yTrue: LabelsLike,
  yScore: ScoresLike,
  options: BestThresholdOptions = {},
): ThresholdPoint & { score: number } {
  const fn = 'bestThreshold';
  const metric = options.metric ?? 'f1';
  if (metric !== 'f1' && metric !== 'fbeta' && metric !== 'youden') {
    throw new RangeError(`${fn}: metric must be 'f1', 'fbeta' or 'youden', got ${JSON.stringify(metric)}`);
  }
  const beta = metric === 'f1' ? 1 : (options.beta ?? 1);
  if (!(beta > 0 && Number.isFinite(beta))) throw new RangeError(`${fn}: beta must be a positive number, got ${options.beta}`);
  const all = points(fn, binaryCurve(fn, yTrue, yScore, options));
  const b2 = beta * beta;
  const fScore = (p: ThresholdPoint) => {
    const denom = b2 * p.precision + p.recall;
    return denom === 0 ? 0 : ((1 + b2) * p.precision * p.recall) / denom;
  };
  return pick(all, metric === 'youden' ? (p) => p.recall - p.fpr : fScore) as ThresholdPoint & { score: number };
}

function checkTarget(fn: string, name: string, v: number): void {
  if (!(v >= 0 && v <= 1)) throw new RangeError(`${fn}: ${name} must be in [0, 1], got ${v}`);
}

/**
 * The threshold with the highest recall among those whose precision is at least `minPrecision`
 * (ties: the highest threshold), or null when no threshold reaches it.
 * @example thresholdForPrecision(yTrue, fraudScores, 0.9)?.threshold // flag at this score for 90% precision
 */
export function thresholdForPrecision(
  yTrue: LabelsLike,
  yScore: ScoresLike,
  minPrecision: number,
  options: CurveOptions = {},
): ThresholdPoint | null {
  const fn = 'thresholdForPrecision';
  checkTarget(fn, 'minPrecision', minPrecision);
  const all = points(fn, binaryCurve(fn, yTrue, yScore, options));
  const best = pick(
    all,
    (p) => p.recall,
    (p) => p.precision >= minPrecision,
  );
  return best === null ? null : { threshold: best.threshold, precision: best.precision, recall: best.recall, fpr: best.fpr };
}

/**
 * The threshold with the highest precision among those whose recall is at least `minRecall`
 * (ties: the highest threshold). Every recall up to 1 is reachable, so this never fails.
 * @example thresholdForRecall(yTrue, fraudScores, 0.95).threshold // catches 95% of fraud
 */
export function thresholdForRecall(yTrue: LabelsLike, yScore: ScoresLike, minRecall: number, options: CurveOptions = {}): ThresholdPoint {
  const fn = 'thresholdForRecall';
  checkTarget(fn, 'minRecall', minRecall);
  const all = points(fn, binaryCurve(fn, yTrue, yScore, options));
  const best = pick(
    all,
    (p) => p.precision,
    (p) => p.recall >= minRecall,
  ) as ThresholdPoint;
  return { threshold: best.threshold, precision: best.precision, recall: best.recall, fpr: best.fpr };
}
