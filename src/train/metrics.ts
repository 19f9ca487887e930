// Streaming metrics for training and evaluation, as Keras' `metrics=[...]`: each one accumulates
// counts batch by batch (`update`) and gives its value over everything seen since `reset` (`result`),
// so an epoch's accuracy is exact however the data is batched. Updates use a few tensor ops per batch
// and leave their small results on the device (summed there: one running scalar per metric);
// `flush()` reads them back asynchronously (the read every device supports, GPUs included). The
// Trainer awaits it once per batch on a device read synchronously (the CPU), and only at the end of
// an epoch on one that is not (a GPU: no read-back inside a training step). `result()` stays
// synchronous, as Keras' `result()`: after a flush it reads nothing; called with batches not yet
// flushed it reads them synchronously (fine on the CPU, refused by a GPU device). Precision, recall
// and F1 are in classification_metrics.ts.

import { noGrad } from '../core/autograd.js';
import { fmt } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { abs, add, eq, gt, lt, mul, sub } from '../ops/elementwise.js';
import { gather } from '../ops/indexing.js';
import { reshape } from '../ops/movement.js';
import { argmax, sum } from '../ops/reduce.js';

/**
 * A streaming metric: `update` once per batch, `result` at any time, `reset` at each epoch start.
 * On a device that refuses synchronous reads (a GPU), `await flush()` before `result()`.
 * @example
 * const acc = new Accuracy();
 * for (const [x, y] of batches) acc.update(model.forward(x), y);
 * await acc.flush();
 * acc.result(); // e.g. 0.87
 */
export interface Metric {
  /** The key in the logs: 'accuracy' (and 'val_accuracy' on validation data). */
  readonly name: string;
  /** Adds one batch: the model's output and the targets. Should not read tensor values synchronously. */
  update(pred: Tensor, target: Tensor): void;
  /**
   * Reads the counts of the batches updated since the last flush from the device, asynchronously,
   * so that `result()` and `stateDict()` then read nothing. Optional: a metric without it counts on
   * the host in `update`. The Trainer awaits it after each batch's update.
   */
  flush?(): Promise<void>;
  /** The value over all batches since the last reset (0 before any update). */
  result(): number;
  reset(): void;
  /** The running counts as JSON, so that a checkpoint taken mid-epoch resumes the epoch's value exactly. */
  stateDict?(): MetricState;
  /** Restores counts from `stateDict()`. */
  loadStateDict?(state: MetricState): void;
}

/** A metric's running counts: numbers, arrays of numbers, booleans or null by name. */
export type MetricState = Record<string, number | number[] | boolean | null>;

/**
 * `state[key]` as a number, or a TypeError naming the metric and the key (for loadStateDict).
 * @example stateNumber('accuracy', { num: 3, den: 4 }, 'num') // 3
 */
export function stateNumber(owner: string, state: MetricState, key: string): number {
  const v = state?.[key];
  if (typeof v !== 'number') throw new TypeError(`${owner}.loadStateDict: '${key}' must be a number, got ${JSON.stringify(v)}`);
  return v;
}

/** Whether `pred` holds one score per sample (binary / sigmoid output): shape (N) or (N, 1, ...). */
export function isBinaryOutput(pred: Tensor): boolean {
  return pred.ndim <= 1 || pred.shape[1] === 1;
}

/** `target` reshaped to `pred`'s shape when they hold the same number of values ((N) vs (N, 1)). */
export function alignTarget(metric: string, pred: Tensor, target: Tensor): Tensor {
  if (target.size !== pred.size) {
    throw new RangeError(`${metric}: target shape ${fmt(target.shape)} does not match the output shape ${fmt(pred.shape)}`);
  }
  return fmt(target.shape) === fmt(pred.shape) ? target : reshape(target, pred.shape);
}

/**
 * Class indices of a multi-class batch: `argmax(pred, 1)` and the target's classes, both int32 (N, ...).
 * The target is class indices (N, ...) (int32, or float holding integers) or one-hot/probabilities of pred's shape.
 */
export function classesOf(metric: string, pred: Tensor, target: Tensor): { predicted: Tensor; actual: Tensor } {
  const predicted = argmax(pred, 1);
  let actual: Tensor;
  if (target.ndim === pred.ndim && fmt(target.shape) === fmt(pred.shape)) actual = argmax(target, 1);
  else if (fmt(target.shape) === fmt(predicted.shape)) actual = target.dtype === 'int32' ? target : target.to('int32');
  else {
    throw new RangeError(
      `${metric}: target shape ${fmt(target.shape)} must be ${fmt(predicted.shape)} (class indices) or ${fmt(pred.shape)} (one-hot) for outputs of shape ${fmt(pred.shape)}`,
    );
  }
  return { predicted, actual };
}

/**
 * A running sum of tensors kept on their device: each `add` is one elementwise op there (no read),
 * `take()` hands the sum over and starts again. What metrics and the epoch loss accumulate between
 * reads. It owns what it is given: the memory of an added tensor and of each partial sum is released
 * once folded in, so a long epoch holds one small buffer (a GPU reclaims nothing by itself).
 * @example const s = new DeviceSum(); s.add(sum(hits)); s.add(sum(hits2)); await s.take()?.data();
 */
export class DeviceSum {
  private sum: Tensor | null = null;

  /** Adds `value`, a tensor made for this (owned from now on; same shape each time, on the first one's device). */
  add(value: Tensor): void {
    const prev = this.sum;
    if (prev === null) {
      this.sum = value.detach();
      return;
    }
    this.sum = noGrad(() => add(prev, value));
    prev.dispose();
    value.dispose();
  }

  /** Whether anything was added since the last take. */
  get pending(): boolean {
    return this.sum !== null;
  }

  /**
   * The sum read synchronously (0 when nothing was added), then a fresh start; where the device
   * refuses the read (a GPU) it throws and the sum stays.
   */
  takeSync(): number {
    return this.takeSyncValues()[0] ?? 0;
  }

  /** As takeSync, for a sum of any shape: its values, flat (empty when nothing was added). */
  takeSyncValues(): ArrayLike<number> {
    const v = this.sum === null ? [] : this.sum.toTypedArray();
    this.sum?.dispose();
    this.sum = null;
    return v;
  }

  /** Forgets the sum (its memory released). */
  clear(): void {
    this.sum?.dispose();
    this.sum = null;
  }

  /** The sum since the last take (null when nothing was added; the caller owns it), and a fresh start. */
  take(): Tensor | null {
    const s = this.sum;
    this.sum = null;
    return s;
  }
}

/**
 * A metric that is a ratio of two running sums (correct / seen, error / count). The numerators of
 * the batches are summed on the device (`pending`) until `flush` reads them; the denominator is
 * known from shapes.
 */
abstract class RatioMetric implements Metric {
  protected num = 0;
  protected den = 0;
  /** The sum of the batch numerators not yet read, () on the device. */
  private readonly pending = new DeviceSum();
  constructor(readonly name: string) {}

  abstract update(pred: Tensor, target: Tensor): void;

  /** Queues one batch: its numerator (a scalar tensor, still on the device) and its count. */
  protected add(num: Tensor, den: number): void {
    this.pending.add(num);
    this.den += den;
  }

  async flush(): Promise<void> {
    const t = this.pending.take();
    if (t !== null) this.num += (await t.data())[0];
    t?.dispose();
  }

  /** Reads what flush has not, synchronously: the public `result()` and `stateDict()` without a flush. */
  private flushSync(): void {
    this.num += this.pending.takeSync();
  }

  result(): number {
    this.flushSync();
    return this.den === 0 ? 0 : this.num / this.den;
  }

  reset(): void {
    this.num = 0;
    this.den = 0;
    this.pending.clear();
  }

  stateDict(): MetricState {
    this.flushSync();
    return { num: this.num, den: this.den };
  }

  loadStateDict(state: MetricState): void {
    this.num = stateNumber(this.name, state, 'num');
    this.den = stateNumber(this.name, state, 'den');
    this.pending.clear();
  }
}

export interface AccuracyOptions {
  /** Key in the logs. Default 'accuracy'. */
  name?: string;
  /** For binary outputs ((N) or (N, 1)): a score above it predicts class 1. Default 0.5 (probabilities; use 0 for logits). */
  threshold?: number;
}

/**
 * The fraction of correct predictions. Multi-class outputs (N, C, ...) are compared by argmax with
 * class-index targets (N, ...) or one-hot targets; binary outputs (N) or (N, 1) are thresholded and
 * compared with 0/1 targets.
 * @example const acc = new Accuracy(); acc.update(tensor([[2, 1], [0, 3]]), tensor([0, 0], { dtype: 'int32' })); acc.result(); // 0.5
 */
export class Accuracy extends RatioMetric {
  readonly threshold: number;

  constructor(options: AccuracyOptions = {}) {
    super(options.name ?? 'accuracy');
    this.threshold = options.threshold ?? 0.5;
  }

  update(pred: Tensor, target: Tensor): void {
    noGrad(() => {
      let hits: Tensor;
      if (isBinaryOutput(pred)) {
        const t = alignTarget(this.name, pred, target);
        hits = eq(gt(pred, this.threshold), gt(t, 0.5));
      } else {
        const { predicted, actual } = classesOf(this.name, pred, target);
        hits = eq(predicted, actual);
      }
      this.add(sum(hits), hits.size);
    });
  }
}

/**
 * Top-k accuracy: the target class is among the k highest scores (ties count as in the top k).
 * Shapes: pred (N, C), target int32 (N) or one-hot (N, C).
 * @example new TopKAccuracy(5) // logged as 'top5'
 */
export class TopKAccuracy extends RatioMetric {
  constructor(
    readonly k: number,
    options: { name?: string } = {},
  ) {
    super(options.name ?? `top${k}`);
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`TopKAccuracy: k must be a positive integer, got ${k}`);
  }

  update(pred: Tensor, target: Tensor): void {
    noGrad(() => {
      if (pred.ndim !== 2) throw new RangeError(`${this.name}: outputs must be (N, C), got shape ${fmt(pred.shape)}`);
      const { actual } = classesOf(this.name, pred, target);
      const n = pred.shape[0];
      const score = gather(pred, 1, reshape(actual, [n, 1])); // (N, 1): the target class's score
      const above = sum(gt(pred, score), 1); // (N): classes scoring strictly higher
      this.add(sum(lt(above, this.k)), n);
    });
  }
}

/**
 * Mean absolute error |pred - target| over every element seen. Target: pred's shape or the same number of values.
 * @example new MeanAbsoluteError() // logged as 'mae'
 */
export class MeanAbsoluteError extends RatioMetric {
  constructor(options: { name?: string } = {}) {
    super(options.name ?? 'mae');
  }

  update(pred: Tensor, target: Tensor): void {
    noGrad(() => {
      const t = alignTarget(this.name, pred, target).to('float32');
      this.add(sum(abs(sub(pred, t))), pred.size);
    });
  }
}

/**
 * Mean squared error (pred - target)^2 over every element seen.
 * @example new MeanSquaredError() // logged as 'mse'
 */
export class MeanSquaredError extends RatioMetric {
  constructor(options: { name?: string } = {}) {
    super(options.name ?? 'mse');
  }

  update(pred: Tensor, target: Tensor): void {
    noGrad(() => {
      const d = sub(pred, alignTarget(this.name, pred, target).to('float32'));
      this.add(sum(mul(d, d)), pred.size);
    });
  }
}

/**
 * A running mean of numbers weighted by counts: the epoch loss from batch losses and batch sizes.
 * A batch value may also be a scalar tensor (`addTensor`), summed on its device until `flush`
 * reads the sum (the epoch loss on a GPU, read once at the end of the epoch).
 * @example const m = new Mean('loss'); m.add(0.5, 32); m.add(0.3, 8); m.result(); // 0.46
 */
export class Mean {
  private total = 0;
  private count = 0;
  /** value * weight of the tensor batches not yet read, () on the device. */
  private readonly pending = new DeviceSum();
  constructor(readonly name: string) {}

  add(value: number, weight = 1): void {
    this.total += value * weight;
    this.count += weight;
  }

  /** Adds a batch value held by a scalar tensor, without reading it: `flush` reads the sum. */
  addTensor(value: Tensor, weight = 1): void {
    this.pending.add(noGrad(() => mul(value.detach(), weight)));
    this.count += weight;
  }

  /** Reads the sum of the `addTensor` values, asynchronously, so that `result()` then reads nothing. */
  async flush(): Promise<void> {
    const t = this.pending.take();
    if (t !== null) this.total += (await t.data())[0];
    t?.dispose();
  }

  /** Whether `addTensor` values wait for a flush. */
  get unread(): boolean {
    return this.pending.pending;
  }

  /** The mean; values not yet flushed are read synchronously (refused on a GPU: flush first). */
  result(): number {
    this.total += this.pending.takeSync();
    return this.count === 0 ? 0 : this.total / this.count;
  }

  reset(): void {
    this.total = 0;
    this.count = 0;
    this.pending.clear();
  }

  stateDict(): MetricState {
    this.result(); // reads what is pending
    return { total: this.total, count: this.count };
  }

  loadStateDict(state: MetricState): void {
    this.total = stateNumber(this.name, state, 'total');
    this.count = stateNumber(this.name, state, 'count');
    this.pending.clear();
  }
}
