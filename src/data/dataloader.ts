// DataLoader: batches of a dataset, optionally shuffled each epoch from its own seedable generator,
// iterated with `for...of` (sync datasets) or `for await...of` (any dataset, with the next batches
// prepared ahead). Over a TensorDataset (or a Subset of one) each batch is gathered with one
// indexSelect per tensor; other datasets go sample by sample through `collate`.
// Its state (the shuffle generator's state at the start of the epoch and the batches already
// served) goes into a checkpoint, so a resumed run sees exactly the batches it would have seen.

import { defaultGenerator, Generator } from '../core/random.js';
import type { Tensor } from '../core/tensor.js';
import { tensor } from '../ops/creation.js';
import { indexSelect } from '../ops/indexing.js';
import { type Collated, defaultCollate } from './collate.js';
import { type Dataset, randperm, Subset, TensorDataset } from './dataset.js';

export interface DataLoaderOptions<S, B> {
  /** Samples per batch. Default 32. */
  batchSize?: number;
  /** Reshuffle the samples at the start of every epoch. Default false. */
  shuffle?: boolean;
  /** Seed of the loader's own shuffle generator. Default: one number drawn from the global generator (so manualSeed makes it reproducible). */
  seed?: number;
  /** A generator to shuffle with instead (its state moves as batches are drawn). */
  generator?: Generator;
  /** Drop the last batch when it is smaller than batchSize. Default false. */
  dropLast?: boolean;
  /** Turns a list of samples into a batch. Default `defaultCollate` (stack tensors, numbers to tensors). */
  collate?: (samples: S[]) => B;
  /** Applied to every batch after collation, e.g. `([x, y]) => [x.reshape([-1, 784]), y]`. */
  transform?: (batch: B) => B;
  /** Batches prepared ahead during `for await` iteration. Default 1. */
  prefetch?: number;
}

/** A DataLoader's position, for checkpoints: see `stateDict()`. */
export interface DataLoaderState {
  /** The shuffle generator's state at the start of the current (or next) epoch. */
  rng: number[];
  /** Batches of that epoch already served. */
  batchesDone: number;
}

interface TensorSource {
  tensors: readonly Tensor[];
  /** Maps loader indices to rows of the tensors (null: identity). */
  rows: Int32Array | null;
}

/**
 * Iterates over a dataset in batches.
 *
 * @example
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 64, shuffle: true, seed: 0 });
 * for (const [xb, yb] of loader) { ... }        // xb (64, ...), yb (64)
 * for await (const [xb, yb] of loader) { ... }  // the same, preparing the next batch ahead
 */
export class DataLoader<T, B = Collated<Awaited<T>>> implements Iterable<B>, AsyncIterable<B> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly prefetch: number;
  private readonly generator: Generator;
  private readonly collate: (samples: Awaited<T>[]) => B;
  private readonly transform?: (batch: B) => B;
  private readonly source: TensorSource | null;
  /** The epoch being served: generator state at its start, batches served. */
  private epoch: DataLoaderState | null = null;
  /** Set by loadStateDict: where the next iteration starts. */
  private pending: DataLoaderState | null = null;

  constructor(
    readonly dataset: Dataset<T>,
    options: DataLoaderOptions<Awaited<T>, B> = {},
  ) {
    if (dataset === null || typeof dataset !== 'object' || !Number.isInteger(dataset.length) || typeof dataset.get !== 'function') {
      throw new TypeError('DataLoader: dataset must have an integer length and a get(index) method');
    }
    const { batchSize = 32, shuffle = false, dropLast = false, prefetch = 1 } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new RangeError(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    if (!Number.isInteger(prefetch) || prefetch < 0)
      throw new RangeError(`DataLoader: prefetch must be a non-negative integer, got ${prefetch}`);
    if (options.generator !== undefined && !(options.generator instanceof Generator))
      throw new TypeError('DataLoader: generator must be a Generator');
    if (options.generator !== undefined && options.seed !== undefined) throw new TypeError('DataLoader: pass seed or generator, not both');
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.prefetch = prefetch;
    this.generator = options.generator ?? new Generator(options.seed ?? (shuffle ? defaultGenerator.nextU32() : 0));
    this.collate = options.collate ?? (defaultCollate as unknown as (samples: Awaited<T>[]) => B);
    this.transform = options.transform;
    this.source = options.collate === undefined ? tensorSource(dataset) : null;
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Where iteration stands: save it in a checkpoint and `loadStateDict` it to resume exactly. */
  stateDict(): DataLoaderState {
    const s = this.pending ?? (this.epoch !== null && this.epoch.batchesDone < this.length ? this.epoch : null);
    return s !== null ? { rng: [...s.rng], batchesDone: s.batchesDone } : { rng: this.generator.getState(), batchesDone: 0 };
  }

  /** Resumes from a `stateDict()`: the next iteration replays that epoch's order, skipping the batches already served. */
  loadStateDict(state: DataLoaderState): void {
    if (
      state === null ||
      typeof state !== 'object' ||
      !Array.isArray(state.rng) ||
      !Number.isInteger(state.batchesDone) ||
      state.batchesDone < 0
    ) {
      throw new TypeError('DataLoader.loadStateDict: expected {rng: number[], batchesDone: number} from stateDict()');
    }
    if (state.batchesDone > this.length)
      throw new RangeError(`DataLoader.loadStateDict: batchesDone ${state.batchesDone} exceeds the ${this.length} batches of an epoch`);
    this.generator.setState(state.rng); // validates the state
    this.pending = { rng: [...state.rng], batchesDone: state.batchesDone };
  }

  *[Symbol.iterator](): Iterator<B> {
    const { order, first } = this.beginEpoch();
    for (let b = first; b < this.length; b++) {
      const batch = this.finish(this.gatherSync(this.indicesOf(order, b)));
      this.epoch!.batchesDone = b + 1;
      yield batch;
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<B> {
    const { order, first } = this.beginEpoch();
    const queue: Promise<B>[] = [];
    let next = first;
    const fill = () => {
      while (queue.length <= this.prefetch && next < this.length) {
        const p = this.gatherAsync(this.indicesOf(order, next++)).then((batch) => this.finish(batch));
        p.catch(() => {}); // handled when awaited; not an unhandled rejection if the consumer stops early
        queue.push(p);
      }
    };
    fill();
    for (let b = first; queue.length > 0; b++) {
      const batch = await queue.shift()!;
      fill();
      this.epoch!.batchesDone = b + 1;
      yield batch;
    }
  }

  private beginEpoch(): { order: Int32Array | null; first: number } {
    if (this.pending !== null) this.generator.setState(this.pending.rng);
    const first = this.pending?.batchesDone ?? 0;
    this.pending = null;
    this.epoch = { rng: this.generator.getState(), batchesDone: first };
    const order = this.shuffle ? randperm(this.dataset.length, this.generator) : null;
    return { order, first };
  }

  private indicesOf(order: Int32Array | null, b: number): Int32Array {
    const start = b * this.batchSize;
    const end = Math.min(start + this.batchSize, this.dataset.length);
    if (order !== null) return order.subarray(start, end);
    const out = new Int32Array(end - start);
    for (let i = 0; i < out.length; i++) out[i] = start + i;
    return out;
  }

  private gatherSync(indices: Int32Array): B {
    if (this.source !== null) return gatherRows(this.source, indices) as B;
    const samples = Array.from(indices, (i) => {
      const s = this.dataset.get(i);
      if (s instanceof Promise) {
        s.catch(() => {});
        throw new TypeError('DataLoader: dataset.get returned a Promise; iterate with `for await (const batch of loader)`');
      }
      return s as Awaited<T>;
    });
    return this.collate(samples);
  }

  private async gatherAsync(indices: Int32Array): Promise<B> {
    if (this.source !== null) return gatherRows(this.source, indices) as B;
    const samples = await Promise.all(Array.from(indices, (i) => this.dataset.get(i)));
    return this.collate(samples);
  }

  private finish(batch: B): B {
    return this.transform === undefined ? batch : this.transform(batch);
  }
}

/** The tensors behind a TensorDataset, or a Subset of one (not subclasses that override get). */
function tensorSource(ds: unknown): TensorSource | null {
  if (ds instanceof TensorDataset && ds.get === TensorDataset.prototype.get) return { tensors: ds.tensors, rows: null };
  if (ds instanceof Subset && ds.get === Subset.prototype.get) {
    const inner = tensorSource(ds.dataset);
    if (inner === null) return null;
    const rows = inner.rows;
    return { tensors: inner.tensors, rows: rows === null ? ds.indices : ds.indices.map((i) => rows[i]) };
  }
  return null;
}

/** One indexSelect per tensor: the rows of a batch, without a JS object per sample (the index made on each tensor's device: data may live on a GPU). */
function gatherRows(source: TensorSource, indices: Int32Array): Tensor[] {
  const rows = source.rows;
  const values = rows === null ? indices.slice() : indices.map((i) => rows[i]);
  const index = new Map<unknown, Tensor>();
  return source.tensors.map((t) => {
    const device = t.storage.device;
    let at = index.get(device);
    if (at === undefined) {
      at = tensor(values, { dtype: 'int32', device });
      index.set(device, at);
    }
    return indexSelect(t, 0, at); // (B, ...) each
  });
}
