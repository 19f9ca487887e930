// The bootstrap: resampling rows with replacement (optionally within each class), and percentile
// confidence intervals for any metric of fixed predictions. A resample where the metric is
// undefined (it returns NaN or throws, e.g. ROC-AUC on a resample holding one class) is skipped and
// counted; past `maxSkippedFraction` of the resamples the interval would be biased, so it throws.

import type { Generator } from '../core/random.js';
import { Tensor } from '../core/tensor.js';
import { gatherRows, type MetricFn, type Predictions, predictionRows, targetValues } from './predictions.js';
import { takeRows } from './split.js';
import { encodeLabels, type Labels } from './splitters/labels.js';
import { generatorFor } from './splitters/splitter.js';

export interface BootstrapIndicesOptions {
  /** Seed of the draw. Default: drawn from the global generator. */
  seed?: number;
  /** Resample within each class of these labels, so every resample keeps the class counts. */
  stratify?: Labels;
}

/** One bootstrap resample of rows 0..n-1. */
export interface BootstrapSample {
  /** n rows drawn with replacement, ascending (rows drawn twice appear twice). */
  inBag: Int32Array;
  /** The rows never drawn (about 36.8% of them), ascending. */
  outOfBag: Int32Array;
}

/**
 * Draws n of the rows 0..n-1 with replacement: the in-bag rows to train on and the out-of-bag rows left.
 * @example const { inBag, outOfBag } = bootstrapIndices(100, { seed: 0 }); // inBag.length 100, outOfBag.length ≈ 37
 */
export function bootstrapIndices(n: number, options: BootstrapIndicesOptions = {}): BootstrapSample {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`bootstrapIndices: n must be a positive integer, got ${n}`);
  const byClass = options.stratify === undefined ? null : classRows('bootstrapIndices', options.stratify, n);
  return drawBootstrap(n, byClass, generatorFor(options.seed));
}

/** The rows of each class of `labels`, which must have `n` of them. */
export function classRows(op: string, labels: Labels, n: number): Int32Array[] {
  const { codes, counts } = encodeLabels(op, 'stratify', labels, 'sorted');
  if (codes.length !== n) throw new RangeError(`${op}: stratify has ${codes.length} labels for n=${n} rows`);
  const rows = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(counts.length);
  codes.forEach((k, i) => {
    rows[k][fill[k]++] = i;
  });
  return rows;
}

/** One resample from `g`: uniform over all rows, or over each class's rows when `byClass` is given. */
export function drawBootstrap(n: number, byClass: Int32Array[] | null, g: Generator): BootstrapSample {
  const times = new Int32Array(n);
  if (byClass === null) for (let i = 0; i < n; i++) times[g.int(0, n)]++;
  else for (const rows of byClass) for (let i = 0; i < rows.length; i++) times[rows[g.int(0, rows.length)]]++;
  const inBag = new Int32Array(n);
  const out: number[] = [];
  for (let r = 0, p = 0; r < n; r++) {
    if (times[r] === 0) out.push(r);
    for (let t = 0; t < times[r]; t++) inBag[p++] = r;
  }
  return { inBag, outOfBag: Int32Array.from(out) };
}

export interface BootstrapCIOptions {
  /** Number of resamples. Default 1000. */
  nResamples?: number;
  /** Coverage of the interval, in (0, 1). Default 0.95. */
  confidence?: number;
  /** Seed of the resampling. Default: drawn from the global generator. */
  seed?: number;
  /** 'percentile' (default): the quantiles of the resampled metric; 'basic': reflected about the estimate (2 * estimate - quantile). */
  method?: 'percentile' | 'basic';
  /** Resample within each class: true for the classes of yTrue, or other labels. Keeps every class in every resample. */
  stratify?: boolean | Labels;
  /** The largest fraction of resamples that may be skipped because the metric was undefined. Default 0.1. */
  maxSkippedFraction?: number;
}

/** A bootstrap confidence interval. */
export interface BootstrapCI {
  /** The metric on all rows. */
  estimate: number;
  low: number;
  high: number;
  /** The metric on each resample where it was defined. */
  samples: Float64Array;
  /** Resamples skipped because the metric was NaN or threw. */
  skipped: number;
  confidence: number;
  method: 'percentile' | 'basic';
}

/**
 * A bootstrap confidence interval of `metric(yTrue, yPred)`: rows are resampled with replacement
 * `nResamples` times and the interval read from the quantiles of the metric (numpy's linear
 * interpolation). The model is not refitted: this is the uncertainty due to the test set.
 *
 * @example
 * const ci = bootstrapCI(labels, probs, rocAuc, { seed: 0, stratify: true }); // labels (N), probs (N)
 * `${ci.estimate.toFixed(3)} [${ci.low.toFixed(3)}, ${ci.high.toFixed(3)}]`
 */
export function bootstrapCI(
  yTrue: ArrayLike<number> | Tensor,
  yPred: Predictions | ArrayLike<number>,
  metric: MetricFn,
  options: BootstrapCIOptions = {},
): BootstrapCI {
  const { nResamples = 1000, confidence = 0.95, method = 'percentile', maxSkippedFraction = 0.1 } = options;
  if (!Number.isInteger(nResamples) || nResamples < 1)
    throw new RangeError(`bootstrapCI: nResamples must be a positive integer, got ${nResamples}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`bootstrapCI: confidence must be in (0, 1), got ${confidence}`);
  if (method !== 'percentile' && method !== 'basic')
    throw new RangeError(`bootstrapCI: method must be 'percentile' or 'basic', got ${String(method)}`);
  if (!(maxSkippedFraction >= 0 && maxSkippedFraction <= 1)) {
    throw new RangeError(`bootstrapCI: maxSkippedFraction must be in [0, 1], got ${maxSkippedFraction}`);
  }
  if (typeof metric !== 'function') throw new TypeError('bootstrapCI: metric must be a function (yTrue, yPred) => number');
  const y = targetValues('bootstrapCI', 'yTrue', yTrue);
  const n = y.length;
  const rows = predictionRows('bootstrapCI', yPred, n);
  const stratify = options.stratify === true ? y : options.stratify === false ? undefined : options.stratify;
  const byClass = stratify === undefined ? null : classRows('bootstrapCI', stratify, n);
  const predOf = (idx: Int32Array | null): Predictions => {
    if (yPred instanceof Tensor) return idx === null ? yPred : takeRows(yPred, idx);
    return idx === null ? rows.data : gatherRows(rows.data, idx);
  };
  let estimate: number;
  try {
    estimate = metric(y, predOf(null));
  } catch (e) {
    throw new Error(`bootstrapCI: the metric failed on all rows: ${(e as Error).message}`, { cause: e });
  }
  if (Number.isNaN(estimate))
    throw new RangeError('bootstrapCI: the metric is NaN on all rows, so there is nothing to put an interval around');
  const g = generatorFor(options.seed);
  const samples: number[] = [];
  let firstError: unknown = null;
  for (let b = 0; b < nResamples; b++) {
    const { inBag } = drawBootstrap(n, byClass, g);
    let v = Number.NaN;
    try {
      v = metric(gatherRows(y, inBag), predOf(inBag));
    } catch (e) {
      firstError ??= e;
    }
    if (!Number.isNaN(v)) samples.push(v);
  }
  const skipped = nResamples - samples.length;
  if (skipped > maxSkippedFraction * nResamples) {
    const why = firstError === null ? 'it returned NaN' : `first error: ${(firstError as Error).message ?? String(firstError)}`;
    throw new RangeError(
      `bootstrapCI: the metric was undefined on ${skipped} of ${nResamples} resamples (${why}), more than maxSkippedFraction=${maxSkippedFraction}; ` +
        'pass stratify: true so every resample keeps every class, or raise maxSkippedFraction',
    );
  }
  const sorted = Float64Array.from(samples).sort();
  const alpha = (1 - confidence) / 2;
  let low = quantile(sorted, alpha);
  let high = quantile(sorted, 1 - alpha);
  if (method === 'basic') [low, high] = [2 * estimate - high, 2 * estimate - low];
  return { estimate, low, high, samples: Float64Array.from(samples), skipped, confidence, method };
}

/**
 * The q-quantile of ascending `sorted` values with linear interpolation (numpy's default).
 * @example quantile(Float64Array.of(1, 2, 3, 4), 0.5) // 2.5
 */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
