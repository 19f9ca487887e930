// Precision, recall, F-beta and support over a whole dataset of class labels, as scikit-learn's
// precision_recall_fscore_support (1.2): per-class counts, then 'binary' (one positive class),
// 'micro' (counts pooled), 'macro' (mean over classes), 'weighted' (mean weighted by support) or
// null (per class). A ratio with a zero denominator is `zeroDivision` ('warn': 0 and a warning).

import { classCounts, classList, encodePair, uniqueLabels } from './classes.js';
import { type LabelsLike, labelPair, type ScoresLike, toWeights } from './inputs.js';
import { metricWarning, type WarningHandler } from './warnings.js';

/** How per-class values are combined; null keeps one value per class. */
export type PrfAverage = 'binary' | 'micro' | 'macro' | 'weighted' | null;
/** The value of an undefined ratio: 0 or 1, or 'warn' (0 with a warning). */
export type ZeroDivision = 'warn' | 0 | 1;

/** Options of precision, recall, f1, fBeta and precisionRecallFscoreSupport (scikit-learn semantics). */
export interface PrfOptions {
  /** Default 'binary': the scores of `posLabel` only (the data must hold at most two labels). */
  average?: PrfAverage;
  /** The positive class when average is 'binary'. Default 1. */
  posLabel?: number;
  /** The classes to score and their order (average null); default: the sorted labels present. */
  labels?: ArrayLike<number>;
  /** Per-sample weights (N). */
  sampleWeight?: ScoresLike;
  /** Default 'warn'. */
  zeroDivision?: ZeroDivision;
  /** Receives warnings instead of console.warn (see warnings.ts). */
  onWarning?: WarningHandler;
}

/** Per-class arrays (average null) or averaged numbers. */
export interface PrfResult<T extends number | number[]> {
  precision: T;
  recall: T;
  fScore: T;
  /** Samples per class in yTrue (average null only; null otherwise). */
  support: number[] | null;
}

/** Which undefined values warn: those of the metric the caller asked for. */
type WarnFor = 'precision' | 'recall' | 'f-score' | 'all';

const AVERAGES: readonly PrfAverage[] = ['binary', 'micro', 'macro', 'weighted', null];

/** The classes scored: [posLabel] for 'binary' (after checking the data is binary), else labels or all present. */
function scoredClasses(fn: string, yTrue: Int32Array, yPred: Int32Array, o: PrfOptions): number[] {
  const average = o.average === undefined ? 'binary' : o.average;
  if (!AVERAGES.includes(average)) {
    throw new RangeError(`${fn}: average must be 'binary', 'micro', 'macro', 'weighted' or null, got ${JSON.stringify(o.average)}`);
  }
  if (average !== 'binary') return classList(fn, o.labels, yTrue, yPred);
  const present = uniqueLabels(yTrue, yPred);
  const posLabel = o.posLabel ?? 1;
  if (present.length > 2) {
    throw new RangeError(
      `${fn}: yTrue and yPred hold ${present.length} classes [${present.join(', ')}] but average is 'binary'; ` +
        `choose average 'macro', 'micro', 'weighted' or null`,
    );
  }
  if (present.length === 2 && !present.includes(posLabel)) {
    throw new RangeError(`${fn}: posLabel ${posLabel} is not a label of the data; it should be one of [${present.join(', ')}]`);
  }
  return [posLabel];
}

/** num / den per class; a zero denominator gives the zeroDivision value (and a warning if asked). */
function divide(num: Float64Array, den: Float64Array, zd: ZeroDivision, warn: (count: number) => void): Float64Array {
  const out = new Float64Array(num.length);
  let undefinedCount = 0;
  for (let i = 0; i < num.length; i++) {
    if (den[i] === 0) {
      out[i] = zd === 1 ? 1 : 0;
      undefinedCount++;
    } else out[i] = num[i] / den[i];
  }
  if (undefinedCount > 0 && zd === 'warn') warn(num.length);
  return out;
}

function warningText(fn: string, what: string, modifier: string, size: number): string {
  const where = size === 1 ? 'due to' : 'in labels with';
  return `${fn}: ${what} ill-defined and being set to 0.0 ${where} no ${modifier} samples. Use the zeroDivision option to control this behavior.`;
}

const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;

/**
 * Precision, recall, F-beta and support, as scikit-learn's precision_recall_fscore_support.
 * Shapes: yTrue, yPred (N) integer labels. Per-class results (average null) follow `labels`.
 * @example
 * precisionRecallFscoreSupport([0, 1, 2, 0], [0, 2, 1, 0], { average: 'macro' }).fScore // 0.3333...
 */
export function precisionRecallFscoreSupport(
  yTrue: LabelsLike,
  yPred: LabelsLike,
  options: PrfOptions & { average: null },
  beta?: number,
): PrfResult<number[]>;
export function precisionRecallFscoreSupport(yTrue: LabelsLike, yPred: LabelsLike, options?: PrfOptions, beta?: number): PrfResult<number>;
export function precisionRecallFscoreSupport(
  yTrue: LabelsLike,
  yPred: LabelsLike,
  options: PrfOptions = {},
  beta = 1,
): PrfResult<number | number[]> {
  return prfs('precisionRecallFscoreSupport', yTrue, yPred, options, beta, 'all');
}

/**
 * The shared core of precision, recall, fBeta and the report; `fn` names the caller in messages
 * and `warnFor` says which undefined values warn.
 * @example prfs('f1', yTrue, yPred, { average: 'macro' }, 1, 'f-score').fScore
 */
export function prfs(
  fn: string,
  yTrue: LabelsLike,
  yPred: LabelsLike,
  o: PrfOptions,
  beta: number,
  warnFor: WarnFor,
): PrfResult<number | number[]> {
  if (!(beta >= 0)) throw new RangeError(`${fn}: beta must be >= 0, got ${beta}`);
  const zd = o.zeroDivision ?? 'warn';
  if (zd !== 'warn' && zd !== 0 && zd !== 1) throw new RangeError(`${fn}: zeroDivision must be 'warn', 0 or 1, got ${JSON.stringify(zd)}`);
  const [t, p] = labelPair(fn, yTrue, yPred);
  const weights = toWeights(fn, o.sampleWeight, t.length);
  const average = o.average === undefined ? 'binary' : o.average;
  const classes = scoredClasses(fn, t, p, o);
  const { codeTrue, codePred } = encodePair(t, p, classes);
  let { tp, predSum, trueSum } = classCounts(codeTrue, codePred, classes.length, weights);
  if (average === 'micro') {
    const total = (a: Float64Array) => Float64Array.of(a.reduce((s, v) => s + v, 0));
    [tp, predSum, trueSum] = [total(tp), total(predSum), total(trueSum)];
  }
  const avgName = average ?? 'null';
  const say = (what: string, modifier: string) => (size: number) =>
    metricWarning(warningText(fn, what, modifier, size) + (avgName === 'binary' ? '' : ` (average ${avgName})`), o.onWarning);
  const precision = divide(
    tp,
    predSum,
    zd,
    warnFor === 'precision' || warnFor === 'all'
      ? say(warnFor === 'all' ? 'Precision and F-score are' : 'Precision is', 'predicted')
      : () => {},
  );
  const recall = divide(
    tp,
    trueSum,
    zd,
    warnFor === 'recall' || warnFor === 'all' ? say(warnFor === 'all' ? 'Recall and F-score are' : 'Recall is', 'true') : () => {},
  );
  if (zd === 'warn' && warnFor === 'f-score' && trueSum.some((v, i) => v === 0 && predSum[i] === 0)) {
    say('F-score is', 'true nor predicted')(trueSum.length);
  }
  const beta2 = beta * beta;
  const fScore = new Float64Array(precision.length);
  for (let i = 0; i < fScore.length; i++) {
    if (beta === Infinity) fScore[i] = recall[i];
    else {
      const denom = beta2 * precision[i] + recall[i];
      fScore[i] = ((1 + beta2) * precision[i] * recall[i]) / (denom === 0 ? 1 : denom);
    }
  }
  if (average === null) {
    return { precision: Array.from(precision), recall: Array.from(recall), fScore: Array.from(fScore), support: Array.from(trueSum) };
  }
  if (average === 'weighted') {
    const totalTrue = trueSum.reduce((s, v) => s + v, 0);
    if (totalTrue === 0) {
      // no sample of any scored class: scikit-learn's special values
      const zdv = zd === 1 ? 1 : 0;
      const none = predSum.reduce((s, v) => s + v, 0) === 0;
      return { precision: none ? zdv : 0, recall: zdv, fScore: none ? zdv : 0, support: null };
    }
    const wavg = (a: Float64Array) => a.reduce((s, v, i) => s + v * trueSum[i], 0) / totalTrue;
    return { precision: wavg(precision), recall: wavg(recall), fScore: wavg(fScore), support: null };
  }
  return { precision: mean(precision), recall: mean(recall), fScore: mean(fScore), support: null };
}
