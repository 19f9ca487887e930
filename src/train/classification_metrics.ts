// Precision, recall and F1 as streaming metrics: each batch adds per-class counts of true
// positives, false positives and false negatives, counted on the device (one-hot comparisons
// summed per class: a (3, C) int32 tensor, added to a running sum there) until `flush` reads the
// sum back asynchronously (`result()` without a flush reads it synchronously), and the result is
// computed from the totals, so the epoch value is exact (not an average of batch values). Binary outputs use class 1 as the positive
// class; multi-class outputs are macro-averaged, as scikit-learn's average='macro'.

import { noGrad } from '../core/autograd.js';
import type { Tensor } from '../core/tensor.js';
import { arange } from '../ops/creation.js';
import { eq, ge, gt, logicalAnd, lt, sub } from '../ops/elementwise.js';
import { reshape, stack } from '../ops/movement.js';
import { sum } from '../ops/reduce.js';
import { alignTarget, classesOf, DeviceSum, isBinaryOutput, type Metric, type MetricState } from './metrics.js';

/**
 * Per-class counts of one batch on its device: rows tp, fp, fn, (3, classes) int32. `predicted` and
 * `actual` hold class indices (any shape, the same size; bool for binary outputs); an actual class
 * outside [0, classes) (an ignored target such as -100) counts nowhere.
 * @example confusionCounts(tensor([0, 1, 1], { dtype: 'int32' }), tensor([0, 0, 1], { dtype: 'int32' }), 2) // [[1, 1], [0, 1], [1, 0]]
 */
export function confusionCounts(predicted: Tensor, actual: Tensor, classes: number): Tensor {
  return noGrad(() => {
    const p = reshape(predicted.to('int32'), [predicted.size, 1]); // (M, 1)
    const a = reshape(actual.to('int32'), [actual.size, 1]);
    const valid = logicalAnd(ge(a, 0), lt(a, classes)); // (M, 1)
    const c = arange(0, classes, 1, { dtype: 'int32', device: predicted.storage.device }); // (C)
    const isP = logicalAnd(eq(p, c), valid).to('int32'); // (M, C)
    const isA = eq(a, c).to('int32');
    const tp = sum(logicalAnd(eq(p, c), eq(a, c)).to('int32'), 0); // (C)
    return stack([tp, sub(sum(isP, 0), tp), sub(sum(isA, 0), tp)]); // (3, C)
  });
}

/** How per-class values are combined: 'binary' (class 1 of a binary output) or 'macro' (mean over classes). */
export type Average = 'binary' | 'macro';

export interface ClassificationMetricOptions {
  /** Key in the logs. Default 'precision', 'recall' or 'f1'. */
  name?: string;
  /** Default: 'binary' for outputs (N) or (N, 1), 'macro' for (N, C). */
  average?: Average;
  /** Binary outputs: a score above it predicts class 1. Default 0.5 (use 0 for logits). */
  threshold?: number;
}

/** Per-class true positive, false positive and false negative counts. */
abstract class ConfusionCounts implements Metric {
  readonly name: string;
  readonly average: Average | undefined;
  readonly threshold: number;
  protected tp = new Float64Array(0);
  protected fp = new Float64Array(0);
  protected fn = new Float64Array(0);
  /** Set by the first update: whether the counts are of a binary output. */
  private binary: boolean | null = null;
  /** The per-class counts (3, C) of the batches not yet read, summed on the device. */
  private readonly pending = new DeviceSum();
  /** The class count of the pending counts. */
  private pendingClasses = 0;

  constructor(defaultName: string, options: ClassificationMetricOptions) {
    this.name = options.name ?? defaultName;
    this.average = options.average;
    this.threshold = options.threshold ?? 0.5;
    if (this.average !== undefined && this.average !== 'binary' && this.average !== 'macro') {
      throw new RangeError(`${this.name}: average must be 'binary' or 'macro', got ${JSON.stringify(this.average)}`);
    }
  }

  /** The metric of one class from its counts. */
  protected abstract score(tp: number, fp: number, fn: number): number;

  update(pred: Tensor, target: Tensor): void {
    const binary = this.average === 'binary' || (this.average === undefined && isBinaryOutput(pred));
    const classes = binary ? 2 : pred.shape[1];
    this.binary = binary;
    const counts = noGrad(() => {
      if (binary) return confusionCounts(gt(pred, this.threshold), gt(alignTarget(this.name, pred, target), 0.5), 2);
      const { predicted, actual } = classesOf(this.name, pred, target);
      return confusionCounts(predicted, actual, classes);
    });
    if (this.pending.pending && classes !== this.pendingClasses) this.flushSync(); // a new class count: what is pending first
    this.pending.add(counts);
    this.pendingClasses = classes;
  }

  async flush(): Promise<void> {
    const t = this.pending.take();
    if (t !== null) this.count(await t.data(), this.pendingClasses);
    t?.dispose();
  }

  /** Counts what flush has not, reading synchronously: the public `result()` and `stateDict()` without a flush. */
  private flushSync(): void {
    if (this.pending.pending) this.count(this.pending.takeSyncValues(), this.pendingClasses);
  }

  /** Adds counts read back: rows tp, fp, fn of `classes` each. */
  private count(v: ArrayLike<number>, classes: number): void {
    if (this.tp.length < classes) this.grow(classes);
    for (let c = 0; c < classes; c++) {
      this.tp[c] += v[c];
      this.fp[c] += v[classes + c];
      this.fn[c] += v[2 * classes + c];
    }
  }

  private grow(classes: number): void {
    const widen = (a: Float64Array) => {
      const out = new Float64Array(classes);
      out.set(a);
      return out;
    };
    this.tp = widen(this.tp);
    this.fp = widen(this.fp);
    this.fn = widen(this.fn);
  }

  result(): number {
    this.flushSync();
    if (this.binary === null) return 0;
    if (this.binary) return this.score(this.tp[1], this.fp[1], this.fn[1]);
    // macro: mean over the classes that occur in the targets or the predictions
    let total = 0;
    let present = 0;
    for (let c = 0; c < this.tp.length; c++) {
      if (this.tp[c] + this.fp[c] + this.fn[c] === 0) continue;
      total += this.score(this.tp[c], this.fp[c], this.fn[c]);
      present++;
    }
    return present === 0 ? 0 : total / present;
  }

  reset(): void {
    this.pending.clear();
    this.tp.fill(0);
    this.fp.fill(0);
    this.fn.fill(0);
  }

  stateDict(): MetricState {
    this.flushSync();
    return { tp: [...this.tp], fp: [...this.fp], fn: [...this.fn], binary: this.binary };
  }

  loadStateDict(state: MetricState): void {
    const counts = (key: string) => {
      const v = state?.[key];
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'number'))
        throw new TypeError(`${this.name}.loadStateDict: '${key}' must be an array of counts, got ${JSON.stringify(v)}`);
      return Float64Array.from(v);
    };
    this.tp = counts('tp');
    this.fp = counts('fp');
    this.fn = counts('fn');
    this.binary = typeof state.binary === 'boolean' ? state.binary : null;
    this.pending.clear();
  }
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

/**
 * Precision tp / (tp + fp): of the samples predicted as a class, the fraction that are (0 when none are predicted).
 * @example new Precision()                       // binary on (N, 1) sigmoid outputs, macro on (N, C)
 * @example new Precision({ threshold: 0 })       // binary on logits
 */
export class Precision extends ConfusionCounts {
  constructor(options: ClassificationMetricOptions = {}) {
    super('precision', options);
  }

  protected score(tp: number, fp: number): number {
    return ratio(tp, tp + fp);
  }
}

/**
 * Recall tp / (tp + fn): of the samples of a class, the fraction found (0 when the class never occurs).
 * @example new Recall({ average: 'macro' })
 */
export class Recall extends ConfusionCounts {
  constructor(options: ClassificationMetricOptions = {}) {
    super('recall', options);
  }

  protected score(tp: number, _fp: number, fn: number): number {
    return ratio(tp, tp + fn);
  }
}

/**
 * F1 score 2 tp / (2 tp + fp + fn), the harmonic mean of precision and recall.
 * @example new F1Score() // logged as 'f1'
 */
export class F1Score extends ConfusionCounts {
  constructor(options: ClassificationMetricOptions = {}) {
    super('f1', options);
  }

  protected score(tp: number, fp: number, fn: number): number {
    return ratio(2 * tp, 2 * tp + fp + fn);
  }
}
