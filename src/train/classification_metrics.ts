// Precision, recall and F1 as streaming metrics: each batch adds per-class counts of true
// positives, false positives and false negatives (the predicted and actual classes of a batch stay
// on the device until `flush` reads them back asynchronously, then a typed-array loop counts them;
// `result()` without a flush reads them synchronously), and the result is computed from the totals, so the
// epoch value is exact (not an average of batch values). Binary outputs use class 1 as the positive
// class; multi-class outputs are macro-averaged, as scikit-learn's average='macro'.

import { noGrad } from '../core/autograd.js';
import type { Tensor } from '../core/tensor.js';
import { gt } from '../ops/elementwise.js';
import { alignTarget, classesOf, isBinaryOutput, type Metric, type MetricState } from './metrics.js';

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
  /** Batches updated but not yet counted: predicted and actual classes, (N, ...) each, and the class count. */
  private pending: { p: Tensor; t: Tensor; classes: number }[] = [];

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
    const [p, t] = noGrad(() => {
      if (binary) return [gt(pred, this.threshold), gt(alignTarget(this.name, pred, target), 0.5)];
      const { predicted, actual } = classesOf(this.name, pred, target);
      return [predicted, actual];
    });
    this.pending.push({ p, t, classes });
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const values = await Promise.all(batch.map(({ p, t }) => Promise.all([p.data(), t.data()])));
    for (const [i, [pv, tv]] of values.entries()) this.count(pv, tv, batch[i].classes);
  }

  /** Counts what flush has not, reading synchronously: the public `result()` and `stateDict()` without a flush. */
  private flushSync(): void {
    for (const { p, t, classes } of this.pending) this.count(p.toTypedArray(), t.toTypedArray(), classes);
    this.pending = [];
  }

  private count(pv: ArrayLike<number>, tv: ArrayLike<number>, classes: number): void {
    if (this.tp.length < classes) this.grow(classes);
    for (let i = 0; i < pv.length; i++) {
      const a = pv[i];
      const b = tv[i];
      if (b < 0 || b >= classes) continue; // an ignored target (such as -100)
      if (a === b) this.tp[a]++;
      else {
        this.fp[a]++;
        this.fn[b]++;
      }
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
    this.pending = [];
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
    this.pending = [];
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
