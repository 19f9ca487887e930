// What fit, evaluate and predict iterate over: (x, y) tensors become a shuffled DataLoader for
// training and sequential views (narrow, no copy) for evaluation; a Dataset gets a DataLoader; a
// DataLoader is used as it is. validationSplit takes the last fraction of the samples, before any
// shuffling, as Keras does. Batches are [x, y] or [x, y, sampleWeights].

import { fmt } from '../core/shape.js';
import { describeValue, Tensor } from '../core/tensor.js';
import { DataLoader, type DataLoaderState } from '../data/dataloader.js';
import { type Dataset, Subset, TensorDataset } from '../data/dataset.js';
import { narrow } from '../ops/movement.js';

/** Anything fit can train on besides (x, y) tensors. */
// biome-ignore lint/suspicious/noExplicitAny: loaders and datasets of any sample type; batches are checked at run time
export type DataSource = DataLoader<any, any> | Dataset<any>;

/** Batches to iterate over, with their count. */
export interface Batches {
  readonly length: number;
  [Symbol.asyncIterator](): AsyncIterator<unknown>;
}

/** One batch, unpacked: inputs, targets and optional per-sample weights (N). */
export interface Batch {
  x: Tensor;
  y: Tensor;
  weights: Tensor | null;
}

/**
 * (x, y) in order, `batchSize` rows at a time, as views of the tensors (no copy).
 * @example for await (const [xb, yb] of new TensorBatches(x, y, 64)) { ... }
 */
export class TensorBatches implements Batches {
  constructor(
    readonly x: Tensor,
    readonly y: Tensor | null,
    readonly batchSize: number,
  ) {}

  get length(): number {
    return Math.ceil(this.x.shape[0] / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<Tensor[]> {
    const n = this.x.shape[0];
    for (let start = 0; start < n; start += this.batchSize) {
      const size = Math.min(this.batchSize, n - start);
      yield this.y === null ? [narrow(this.x, 0, start, size)] : [narrow(this.x, 0, start, size), narrow(this.y, 0, start, size)];
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Tensor[]> {
    for (const batch of this) yield batch;
  }
}

/** Checks x and y: tensors with the same first dim. */
export function checkXY(op: string, x: unknown, y: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: x must be a Tensor (or pass a DataLoader or Dataset), got ${describeValue(x)}`);
  if (!(y instanceof Tensor)) throw new TypeError(`${op}: y must be a Tensor, got ${describeValue(y)}`);
  if (x.ndim === 0 || y.ndim === 0 || x.shape[0] !== y.shape[0]) {
    throw new RangeError(`${op}: x and y must have the same number of samples (first dim), got shapes ${fmt(x.shape)} and ${fmt(y.shape)}`);
  }
}

/** Checks a positive integer option. */
export function positiveInt(op: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${op}: ${name} must be a positive integer, got ${value}`);
  return value;
}

/** What fit iterates over: the training loader, and validation batches when asked for. */
export interface TrainSplit {
  train: DataLoader<unknown, unknown>;
  validation: Batches | null;
}

/** The data options of fit (see FitOptions), with the defaults applied. */
export interface SplitOptions {
  batchSize: number;
  shuffle: boolean;
  seed?: number;
  validationSplit?: number;
  validationData?: [Tensor, Tensor] | DataSource;
  /** A loader position from a checkpoint, applied to the training loader. */
  resume?: DataLoaderState | null;
}

/** The training loader and the validation batches of a fit call. */
export function trainingData(data: Tensor[] | DataSource, o: SplitOptions): TrainSplit {
  const split = o.validationSplit;
  if (split !== undefined && !(split > 0 && split < 1)) throw new RangeError(`fit: validationSplit must be in (0, 1), got ${split}`);
  if (split !== undefined && o.validationData !== undefined) throw new TypeError('fit: pass validationSplit or validationData, not both');
  let train: DataLoader<unknown, unknown>;
  let validation: Batches | null = null;
  // when resuming, a seeded loader draws nothing from the global generator (its state comes from the checkpoint)
  const seed = o.seed ?? (o.resume ? 0 : undefined);
  const loaderOf = (ds: Dataset<unknown>): DataLoader<unknown, unknown> =>
    new DataLoader<unknown, unknown>(ds, { batchSize: o.batchSize, shuffle: o.shuffle, seed });
  /** Training samples: all, or the first floor(n * (1 - split)) as Keras. */
  const splitAt = (n: number): number => {
    const nTrain = split === undefined ? n : Math.floor(n * (1 - split));
    if (split !== undefined && (nTrain === 0 || nTrain === n)) {
      throw new RangeError(`fit: validationSplit ${split} of ${n} samples leaves an empty split`);
    }
    return nTrain;
  };
  if (Array.isArray(data)) {
    const [x, y] = data;
    const n = x.shape[0];
    const nTrain = splitAt(n);
    train = loaderOf(new TensorDataset(narrow(x, 0, 0, nTrain), narrow(y, 0, 0, nTrain)));
    if (split !== undefined)
      validation = new TensorBatches(narrow(x, 0, nTrain, n - nTrain), narrow(y, 0, nTrain, n - nTrain), o.batchSize);
  } else if (data instanceof DataLoader) {
    if (split !== undefined) throw new TypeError('fit: validationSplit needs tensors or a Dataset; with a DataLoader, pass validationData');
    train = data;
  } else if (data !== null && typeof data === 'object' && typeof data.get === 'function' && Number.isInteger(data.length)) {
    const n = data.length;
    const nTrain = splitAt(n);
    const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
    train = loaderOf(split === undefined ? data : new Subset(data, range(0, nTrain)));
    if (split !== undefined) validation = new DataLoader<unknown, unknown>(new Subset(data, range(nTrain, n)), { batchSize: o.batchSize });
  } else {
    throw new TypeError(`fit: expected (x, y) tensors, a DataLoader or a Dataset, got ${describeValue(data)}`);
  }
  if (o.resume) train.loadStateDict(o.resume);
  if (o.validationData !== undefined) validation = evaluationBatches('fit: validationData', o.validationData, o.batchSize);
  return { train, validation };
}

/** Batches for evaluation: [x, y] as in-order views, a Dataset through a DataLoader, a DataLoader as is. */
export function evaluationBatches(op: string, data: [Tensor, Tensor] | DataSource, batchSize: number): Batches {
  if (Array.isArray(data)) {
    if (data.length !== 2) throw new TypeError(`${op}: expected [x, y], got an array of ${(data as unknown[]).length}`);
    checkXY(op, data[0], data[1]);
    return new TensorBatches(data[0], data[1], batchSize);
  }
  if (data instanceof DataLoader) return data;
  if (data !== null && typeof data === 'object' && typeof (data as Dataset<unknown>).get === 'function') {
    return new DataLoader<unknown, unknown>(data as Dataset<unknown>, { batchSize });
  }
  throw new TypeError(`${op}: expected [x, y] tensors, a DataLoader or a Dataset, got ${describeValue(data)}`);
}

/** A batch from a loader: [x, y] or [x, y, sampleWeights]. */
export function unpackBatch(batch: unknown): Batch {
  if (Array.isArray(batch) && batch.length >= 2 && batch.length <= 3 && batch.every((t) => t instanceof Tensor)) {
    return { x: batch[0], y: batch[1], weights: batch[2] ?? null };
  }
  throw new TypeError(
    `fit: each batch must be [x, y] or [x, y, sampleWeights] tensors, got ${describeValue(batch)}; use a TensorDataset(x, y) or a DataLoader transform that returns [x, y]`,
  );
}

/**
 * Lets the event loop turn (timers, I/O, and the finalizers that return tensor memory) every few
 * milliseconds of a long loop, without paying for it on every batch.
 * @example const pause = new EventLoopPause(); for (...) { step(); const p = pause.maybe(); if (p) await p; }
 */
export class EventLoopPause {
  private last = performance.now();
  constructor(readonly everyMs = 10) {}

  maybe(): Promise<void> | undefined {
    const now = performance.now();
    if (now - this.last < this.everyMs) return undefined;
    this.last = now;
    const g = globalThis as { setImmediate?: (fn: () => void) => void };
    return new Promise((resolve) => (g.setImmediate ? g.setImmediate(resolve) : setTimeout(resolve, 0)));
  }
}
