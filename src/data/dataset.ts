// Datasets: anything with a length and a get(i), as in PyTorch's map-style datasets. TensorDataset
// indexes tensors along dim 0; Subset views some indices of another dataset; randomSplit cuts a
// dataset into random non-overlapping subsets. A dataset whose get returns a Promise (files, network)
// is loaded with `for await` over a DataLoader.

import { defaultGenerator, type Generator } from '../core/random.js';
import { fmt } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';

/**
 * A map-style dataset: `length` samples, sample `i` from `get(i)` (which may return a Promise).
 * @example const squares: Dataset<number> = { length: 10, get: (i) => i * i };
 */
export interface Dataset<T> {
  readonly length: number;
  get(index: number): T;
}

/**
 * Samples taken from tensors along their first dim: sample i is `[t0[i], t1[i], ...]`.
 * A DataLoader over it gathers each batch with one indexSelect per tensor.
 *
 * @example
 * const ds = new TensorDataset(images, labels); // images (N, 1, 28, 28), labels (N)
 * const [x, y] = ds.get(0);                      // x (1, 28, 28), y ()
 */
export class TensorDataset implements Dataset<Tensor[]> {
  readonly tensors: readonly Tensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new RangeError('TensorDataset: expected at least one tensor');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new TypeError(`TensorDataset: argument ${i} must be a Tensor, got ${typeof t}`);
      if (t.ndim === 0) throw new RangeError(`TensorDataset: tensor ${i} is 0-d; every tensor needs a first dim to index`);
      if (t.shape[0] !== tensors[0].shape[0]) {
        throw new RangeError(
          `TensorDataset: all tensors need the same first dim; tensor 0 has shape ${fmt(tensors[0].shape)}, tensor ${i} ${fmt(t.shape)}`,
        );
      }
    });
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0].shape[0];
  }

  get(index: number): Tensor[] {
    const i = checkIndex('TensorDataset', index, this.length);
    return this.tensors.map((t) => t.select(0, i));
  }
}

/**
 * The samples of `dataset` at `indices`, in that order.
 * @example const firstHundred = new Subset(ds, [...Array(100).keys()]);
 */
export class Subset<T> implements Dataset<T> {
  readonly indices: Int32Array;

  constructor(
    readonly dataset: Dataset<T>,
    indices: ArrayLike<number>,
  ) {
    this.indices = Int32Array.from(indices, (i) => checkIndex('Subset', i, dataset.length));
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    return this.dataset.get(this.indices[checkIndex('Subset', index, this.length)]);
  }
}

/**
 * Splits `dataset` into random non-overlapping subsets of the given sizes: counts that add up to
 * its length, or fractions that add up to 1 (sizes rounded down, the remainder dealt one by one from
 * the first subset, as PyTorch does). The permutation comes from `generator` (default: the global
 * one seeded by manualSeed).
 *
 * @example const [train, val] = randomSplit(ds, [0.9, 0.1], new Generator(42));
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], generator: Generator = defaultGenerator): Subset<T>[] {
  const n = dataset.length;
  if (!Array.isArray(lengths) || lengths.length === 0 || !lengths.every((l) => Number.isFinite(l) && l >= 0)) {
    throw new RangeError(`randomSplit: lengths must be a non-empty array of non-negative numbers, got ${JSON.stringify(lengths)}`);
  }
  let sizes = [...lengths];
  const total = sizes.reduce((a, b) => a + b, 0);
  if (sizes.every((l) => l <= 1) && Math.abs(total - 1) < 1e-6) {
    sizes = lengths.map((f) => Math.floor(f * n));
    let rest = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; rest > 0; i = (i + 1) % sizes.length, rest--) sizes[i]++;
  } else if (!sizes.every(Number.isInteger) || total !== n) {
    throw new RangeError(
      `randomSplit: lengths must be counts adding up to the dataset's length ${n}, or fractions adding up to 1; got ${JSON.stringify(lengths)}`,
    );
  }
  const perm = randperm(n, generator);
  let start = 0;
  return sizes.map((size) => {
    start += size;
    return new Subset(dataset, perm.subarray(start - size, start));
  });
}

/**
 * A random permutation of 0..n-1 (Fisher-Yates) drawn from `generator`.
 * @example randperm(5, new Generator(0)) // e.g. Int32Array [3, 0, 4, 1, 2]
 */
export function randperm(n: number, generator: Generator = defaultGenerator): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = generator.int(0, i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/**
 * A dataset whose samples are `fn(dataset.get(i), i)`: per-sample transforms (augmentation, parsing).
 * @example const flipped = mapDataset(ds, ([x, y]) => [x.neg(), y]);
 */
export function mapDataset<T, U>(dataset: Dataset<T>, fn: (sample: T, index: number) => U): Dataset<U> {
  return {
    get length() {
      return dataset.length;
    },
    get: (i: number) => fn(dataset.get(i), i),
  };
}

function checkIndex(op: string, index: number, n: number): number {
  if (!Number.isInteger(index) || index < -n || index >= n)
    throw new RangeError(`${op}: index ${index} is out of range for a dataset of length ${n}`);
  return index < 0 ? index + n : index;
}
