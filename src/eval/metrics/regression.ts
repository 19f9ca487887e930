// Regression metrics over a whole dataset, as scikit-learn 1.2: mean absolute / squared / root
// squared / absolute percentage error, median absolute error, R² and explained variance. Targets
// are (N) or (N, M) for M outputs; each output is scored, then the scores are combined by
// `multioutput` (uniform mean by default). Computed in float64, one pass over the data per sum.
// Inputs are checked for NaN and infinities lazily: a non-finite input makes every sum it enters
// non-finite, so only then are the inputs scanned, to name the bad value.

import { fmt } from '../../core/shape.js';
import { assertFinite, assertNotEmpty, type MatrixLike, type ScoresLike, toMatrix, toWeights } from './inputs.js';
import { sums, type Term } from './regression_sums.js';
import { metricWarning, type WarningHandler } from './warnings.js';

/** How per-output scores are combined: their mean, each kept, a weighted mean, or (R², explained variance) weighted by each output's variance. */
export type Multioutput = 'uniform_average' | 'raw_values' | 'variance_weighted' | ArrayLike<number>;

/** Options of the regression metrics. */
export interface RegressionOptions {
  /** Per-sample weights (N). */
  sampleWeight?: ScoresLike;
  /** Default 'uniform_average'; 'raw_values' returns one score per output. */
  multioutput?: Multioutput;
}

/** Options of r2Score and explainedVariance. */
export interface R2Options extends RegressionOptions {
  /** Default true: a constant yTrue scores 1 if predicted exactly, else 0 (instead of NaN or -Infinity). */
  forceFinite?: boolean;
  onWarning?: WarningHandler;
}

type Raw = { multioutput: 'raw_values' };

/** Checked targets: values (N, M) row-major for yTrue and yPred, and the weights. */
export interface Targets {
  fn: string;
  t: ArrayLike<number>;
  p: ArrayLike<number>;
  n: number;
  m: number;
  w: ArrayLike<number> | null;
}

function targets(fn: string, yTrue: MatrixLike, yPred: MatrixLike, o: RegressionOptions): Targets {
  const t = toMatrix(fn, 'yTrue', yTrue);
  const p = toMatrix(fn, 'yPred', yPred);
  if (t.rows !== p.rows || t.cols !== p.cols) {
    throw new RangeError(`${fn}: yPred has shape ${fmt([p.rows, p.cols])} but yTrue has ${fmt([t.rows, t.cols])}; they must match`);
  }
  assertNotEmpty(fn, t.rows);
  const mo = o.multioutput;
  if (mo !== undefined && typeof mo !== 'string' && mo.length !== t.cols) {
    throw new RangeError(`${fn}: multioutput has ${mo.length} weights but there are ${t.cols} outputs; they must match`);
  }
  if (typeof mo === 'string' && !['uniform_average', 'raw_values', 'variance_weighted'].includes(mo)) {
    throw new RangeError(
      `${fn}: multioutput must be 'uniform_average', 'raw_values', 'variance_weighted' or weights, got ${JSON.stringify(mo)}`,
    );
  }
  return { fn, t: t.values, p: p.values, n: t.rows, m: t.cols, w: toWeights(fn, o.sampleWeight, t.rows) };
}

/** The sum of the weights (N without weights); throws when it is zero. */
function weightTotal(d: Targets): number {
  if (d.w === null) return d.n;
  let total = 0;
  for (let k = 0; k < d.n; k++) total += d.w[k];
  if (total === 0) throw new RangeError(`${d.fn}: sampleWeight sums to zero; the weighted mean is undefined`);
  return total;
}

/** Per-output weighted means of a term, with the lazy check for non-finite inputs. */
function meanOver(d: Targets, term: Term, centre?: Float64Array): Float64Array {
  const total = weightTotal(d);
  return checked(
    d,
    sums(d, term, centre).map((v) => v / total),
  );
}

/** `values`, after scanning the inputs for NaN or infinities if any value is not finite. */
function checked(d: Targets, values: Float64Array): Float64Array {
  if (values.every(Number.isFinite)) return values;
  assertFinite(d.fn, 'yTrue', d.t);
  assertFinite(d.fn, 'yPred', d.p);
  return values;
}

/** Per-output scores combined as `multioutput` says ('variance_weighted' is handled by r2). */
function combine(scores: Float64Array, mo: Multioutput | undefined): number | number[] {
  if (mo === 'raw_values') return Array.from(scores);
  if (mo === undefined || typeof mo === 'string') return scores.reduce((s, v) => s + v, 0) / scores.length;
  let total = 0;
  let weightSum = 0;
  for (let j = 0; j < scores.length; j++) {
    total += scores[j] * mo[j];
    weightSum += mo[j];
  }
  return total / weightSum;
}

/**
 * Mean absolute error mean(|yTrue - yPred|).
 * @example meanAbsoluteError([3, -0.5, 2, 7], [2.5, 0, 2, 8]) // 0.5
 */
export function meanAbsoluteError(yTrue: MatrixLike, yPred: MatrixLike, options: RegressionOptions & Raw): number[];
export function meanAbsoluteError(yTrue: MatrixLike, yPred: MatrixLike, options?: RegressionOptions): number;
export function meanAbsoluteError(yTrue: MatrixLike, yPred: MatrixLike, options: RegressionOptions = {}): number | number[] {
  const d = targets('meanAbsoluteError', yTrue, yPred, options);
  return combine(meanOver(d, 'abs'), options.multioutput);
}

/**
 * Mean squared error mean((yTrue - yPred)^2).
 * @example meanSquaredError([3, -0.5, 2, 7], [2.5, 0, 2, 8]) // 0.375
 */
export function meanSquaredError(yTrue: MatrixLike, yPred: MatrixLike, options: RegressionOptions & Raw): number[];
export function meanSquaredError(yTrue: MatrixLike, yPred: MatrixLike, options?: RegressionOptions): number;
export function meanSquaredError(yTrue: MatrixLike, yPred: MatrixLike, options: RegressionOptions = {}): number | number[] {
  const d = targets('meanSquaredError', yTrue, yPred, options);
  return combine(meanOver(d, 'square'), options.multioutput);
}

/**
 * Root mean squared error: the square root of each output's MSE, then combined.
 * @example rootMeanSquaredError([3, -0.5, 2, 7], [2.5, 0, 2, 8]) // 0.6123...
 */
export function rootMeanSquaredError(yTrue: MatrixLike, yPred: MatrixLike, options: RegressionOptions & Raw): number[];
export function rootMeanSquaredError(yTrue: MatrixLike, yPred: MatrixLike, options?: RegressionOptions): number;
export function rootMeanSquaredError(yTrue: MatrixLike, yPred: MatrixLike, options: RegressionOptions = {}): number | number[] {
  const d = targets('rootMeanSquaredError', yTrue, yPred, options);
  return combine(meanOver(d, 'square').map(Math.sqrt), options.multioutput);
}

/**
 * Mean absolute percentage error mean(|yTrue - yPred| / max(|yTrue|, 2.2e-16)), as a fraction
 * (not percent); a zero target gives a huge term, as in scikit-learn.
 * @example meanAbsolutePercentageError([3, -0.5, 2, 7], [2.5, 0, 2, 8]) // 0.3273...
 */
export function meanAbsolutePercentageError(yTrue: MatrixLike, yPred: MatrixLike, options: RegressionOptions & Raw): number[];
export function meanAbsolutePercentageError(yTrue: MatrixLike, yPred: MatrixLike, options?: RegressionOptions): number;
export function meanAbsolutePercentageError(yTrue: MatrixLike, yPred: MatrixLike, options: RegressionOptions = {}): number | number[] {
  const d = targets('meanAbsolutePercentageError', yTrue, yPred, options);
  return combine(meanOver(d, 'ape'), options.multioutput);
}

/** 1 - numerator / denominator per output with scikit-learn's finite-forcing, then combined. */
function assemble(num: Float64Array, den: Float64Array, o: R2Options): number | number[] {
  const forceFinite = o.forceFinite ?? true;
  const scores = num.map((nu, j) => {
    if (!forceFinite) return 1 - nu / den[j];
    if (nu === 0) return 1;
    return den[j] === 0 ? 0 : 1 - nu / den[j];
  });
  if (o.multioutput !== 'variance_weighted') return combine(scores, o.multioutput);
  if (den.every((v) => v === 0)) return combine(scores, 'uniform_average');
  return combine(scores, den);
}

/**
 * The coefficient of determination R² = 1 - SS_res / SS_tot: 1 is perfect, 0 predicts the mean,
 * negative is worse. Fewer than two samples: NaN with a warning.
 * @example r2Score([3, -0.5, 2, 7], [2.5, 0, 2, 8]) // 0.9486...
 */
export function r2Score(yTrue: MatrixLike, yPred: MatrixLike, options: R2Options & Raw): number[];
export function r2Score(yTrue: MatrixLike, yPred: MatrixLike, options?: R2Options): number;
export function r2Score(yTrue: MatrixLike, yPred: MatrixLike, options: R2Options = {}): number | number[] {
  const fn = 'r2Score';
  const d = targets(fn, yTrue, yPred, options);
  if (d.n < 2) {
    metricWarning(`${fn}: R^2 is not well-defined with fewer than two samples`, options.onWarning);
    return Number.NaN;
  }
  const mean = meanOver(d, 'value');
  const num = checked(d, sums(d, 'square'));
  const den = sums(d, 'aroundSquare', mean);
  return assemble(num, den, options);
}

/**
 * Explained variance 1 - Var(yTrue - yPred) / Var(yTrue): R² without penalising a constant bias.
 * @example explainedVariance([3, -0.5, 2, 7], [2.5, 0, 2, 8]) // 0.9571...
 */
export function explainedVariance(yTrue: MatrixLike, yPred: MatrixLike, options: R2Options & Raw): number[];
export function explainedVariance(yTrue: MatrixLike, yPred: MatrixLike, options?: R2Options): number;
export function explainedVariance(yTrue: MatrixLike, yPred: MatrixLike, options: R2Options = {}): number | number[] {
  const d = targets('explainedVariance', yTrue, yPred, options);
  const diffMean = meanOver(d, 'diff');
  const num = meanOver(d, 'square', diffMean);
  const mean = meanOver(d, 'value');
  const den = meanOver(d, 'aroundSquare', mean);
  return assemble(num, den, options);
}

/** The weighted median of `values` as scikit-learn's _weighted_percentile(values, w, 50). */
function weightedMedian(values: Float64Array, w: ArrayLike<number>): number {
  const order = Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
  const cdf = new Float64Array(order.length);
  let acc = 0;
  order.forEach((i, k) => {
    acc += w[i];
    cdf[k] = acc;
  });
  let target = 0.5 * acc;
  if (target === 0) target = Number.MIN_VALUE; // numpy.nextafter(0, 1): skip leading zero weights
  let k = 0;
  while (k < cdf.length - 1 && cdf[k] < target) k++;
  return values[order[k]];
}

function median(values: Float64Array): number {
  values.sort();
  const h = values.length >> 1;
  return values.length % 2 === 1 ? values[h] : (values[h - 1] + values[h]) / 2;
}

/**
 * Median absolute error median(|yTrue - yPred|) (weighted median with sampleWeight); robust to outliers.
 * @example medianAbsoluteError([3, -0.5, 2, 7], [2.5, 0, 2, 8]) // 0.5
 */
export function medianAbsoluteError(yTrue: MatrixLike, yPred: MatrixLike, options: RegressionOptions & Raw): number[];
export function medianAbsoluteError(yTrue: MatrixLike, yPred: MatrixLike, options?: RegressionOptions): number;
export function medianAbsoluteError(yTrue: MatrixLike, yPred: MatrixLike, options: RegressionOptions = {}): number | number[] {
  const d = targets('medianAbsoluteError', yTrue, yPred, options);
  checked(d, Float64Array.of(Number.NaN)); // a median can hide a NaN: check up front
  const scores = new Float64Array(d.m);
  for (let j = 0; j < d.m; j++) {
    const errors = Float64Array.from({ length: d.n }, (_, i) => Math.abs(d.p[i * d.m + j] - d.t[i * d.m + j]));
    scores[j] = d.w === null ? median(errors) : weightedMedian(errors, d.w);
  }
  return combine(scores, options.multioutput);
}
