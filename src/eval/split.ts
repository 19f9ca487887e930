// trainTestSplit: one train/test split of the rows of a tensor, a Table, an array or a row count,
// as scikit-learn's train_test_split (sizes, shuffle, stratify), plus split by groups (whole groups
// on one side, as GroupShuffleSplit) and by time (the latest rows are the test set, no shuffling).
// It returns row indices, and applies them to tensors (indexSelect), Tables (take) and arrays.

import { fromArray } from '../core/exec.js';
import { Tensor } from '../core/tensor.js';
import { Table } from '../data/table.js';
import { indexSelect } from '../ops/indexing.js';
import type { Labels } from './splitters/labels.js';
import { groupDraw, stratifiedDraw } from './splitters/shuffle_split.js';
import { resolveSplitSizes, type SplitSize } from './splitters/split_sizes.js';
import { generatorFor, range, shuffleInPlace } from './splitters/splitter.js';

/** What can be split and indexed by rows: a tensor (rows along dim 0), a Table, a typed or plain array. */
export type Rows = Tensor | Table | ArrayLike<unknown>;

export interface TrainTestSplitOptions {
  /** Test rows: a fraction in (0, 1) (rounded up) or a count. Default 0.25, or the rest after trainSize. */
  testSize?: SplitSize;
  /** Train rows: a fraction (rounded down) or a count. Default: the rest after testSize. */
  trainSize?: SplitSize;
  /** Shuffle before splitting; false puts the first rows in train and the next in test. Default true. */
  shuffle?: boolean;
  /** Seed of the shuffle (ignored without shuffle, as in scikit-learn). Default: drawn from the global generator (reproducible after manualSeed). */
  seed?: number;
  /** Class labels (or a Table column name) to keep in proportion on both sides, as scikit-learn allocates them. Needs shuffle. */
  stratify?: Labels | string;
  /** Group ids (or a Table column name): each group goes wholly to one side; the sizes then count groups, not rows. Needs shuffle. */
  groups?: Labels | string;
  /**
   * Times (numbers, Dates, a tensor, or a Table number/timestamp column name): the latest `testSize`
   * rows are the test set and the `trainSize` rows just before them the training set, both in time
   * order (ties keep row order). No shuffling.
   */
  time?: ArrayLike<number> | readonly Date[] | Tensor | string;
}

/**
 * The row indices of one train/test split of `n` rows, and `apply` to cut data by them.
 * @example const [xTrain, xTest] = split.apply(x); const [tTrain, tTest] = split.apply(table);
 */
export class TrainTestSplit {
  constructor(
    /** The number of rows split. */
    readonly n: number,
    readonly train: Int32Array,
    readonly test: Int32Array,
  ) {}

  /** `[train rows, test rows]` of `data`, which must have the `n` rows that were split. */
  apply<T extends Rows>(data: T): [T, T] {
    const rows = rowCount('TrainTestSplit.apply', data);
    if (rows !== this.n) throw new RangeError(`TrainTestSplit.apply: data has ${rows} rows but the split was made for ${this.n}`);
    return [takeRows(data, this.train), takeRows(data, this.test)];
  }
}

/**
 * Splits rows into a training and a test set.
 *
 * @example
 * const split = trainTestSplit(x, { testSize: 0.2, seed: 0, stratify: labels }); // x (N, F), labels (N)
 * const [xTrain, xTest] = split.apply(x);
 * const [yTrain, yTest] = split.apply(labels);
 * trainTestSplit(table, { testSize: 0.1, time: 'date' }).apply(table); // the last 10% by date is the test set
 */
export function trainTestSplit(data: number | Rows, options: TrainTestSplitOptions = {}): TrainTestSplit {
  const n = typeof data === 'number' ? data : rowCount('trainTestSplit', data);
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`trainTestSplit: need at least 2 rows to split, got ${n}`);
  const { testSize, trainSize, shuffle = true } = options;
  const stratify = labelsOption(data, 'stratify', options.stratify, n);
  const groups = labelsOption(data, 'groups', options.groups, n);
  const given = (['stratify', 'groups', 'time'] as const).filter((k) => options[k] !== undefined);
  if (given.length > 1) throw new TypeError(`trainTestSplit: give only one of stratify, groups and time; got ${given.join(' and ')}`);
  if (!shuffle && (stratify || groups)) {
    throw new TypeError(`trainTestSplit: ${stratify ? 'stratify' : 'groups'} needs shuffle; leave shuffle out or set it true`);
  }
  if (options.time !== undefined && options.shuffle === true) {
    throw new TypeError('trainTestSplit: a split by time never shuffles; leave shuffle out');
  }
  if (groups) {
    const g = generatorFor(options.seed);
    const fold = groupDraw('trainTestSplit', groups, testSize, trainSize, 0.25)(g);
    return new TrainTestSplit(n, fold.train, fold.test);
  }
  const { nTrain, nTest } = resolveSplitSizes('trainTestSplit', n, testSize, trainSize, 0.25);
  if (options.time !== undefined) {
    const order = timeOrder(data, options.time, n);
    return new TrainTestSplit(n, order.slice(n - nTest - nTrain, n - nTest), order.slice(n - nTest));
  }
  if (!shuffle) return new TrainTestSplit(n, range(0, nTrain), range(nTrain, nTrain + nTest));
  const g = generatorFor(options.seed);
  if (stratify) {
    const fold = stratifiedDraw('trainTestSplit', stratify, nTrain, nTest)(g);
    return new TrainTestSplit(n, fold.train, fold.test);
  }
  const perm = shuffleInPlace(range(0, n), g);
  return new TrainTestSplit(n, perm.slice(nTest, nTest + nTrain), perm.slice(0, nTest));
}

/**
 * The rows of `data` at `indices`, in that order: indexSelect for tensors, take for Tables, a new
 * array of the same kind for arrays.
 *
 * @example takeRows(x, Int32Array.of(3, 0)) // rows 3 and 0 of x (N, F) -> (2, F)
 */
export function takeRows<T extends Rows>(data: T, indices: Int32Array): T {
  if (data instanceof Tensor) return indexSelect(data, 0, fromArray([indices.length], indices, 'int32')) as T;
  if (data instanceof Table) return data.take(indices) as T;
  if (ArrayBuffer.isView(data)) {
    const src = data as unknown as Float64Array;
    const out = new (src.constructor as Float64ArrayConstructor)(indices.length);
    for (let i = 0; i < indices.length; i++) out[i] = src[indices[i]];
    return out as unknown as T;
  }
  const src = data as ArrayLike<unknown>;
  return Array.from(indices, (i) => src[i]) as unknown as T;
}

/** The number of rows of `data`; `op` names the caller in errors. */
export function rowCount(op: string, data: Rows): number {
  if (data instanceof Tensor) {
    if (data.ndim === 0) throw new RangeError(`${op}: a 0-d tensor has no rows to split`);
    return data.shape[0];
  }
  if (data instanceof Table) return data.numRows;
  if (data !== null && typeof data === 'object' && typeof (data as ArrayLike<unknown>).length === 'number') return data.length;
  throw new TypeError(`${op}: expected a Tensor, a Table or an array, got ${data === null ? 'null' : typeof data}`);
}

function labelsOption(data: number | Rows, name: string, value: Labels | string | undefined, n: number): Labels | undefined {
  if (value === undefined) return undefined;
  const labels = typeof value === 'string' ? tableColumn(data, name, value).values : value;
  const count = labels instanceof Tensor ? labels.shape[0] : labels.length;
  if (count !== n) throw new RangeError(`trainTestSplit: ${name} has ${count} values but the data has ${n} rows`);
  return labels as Labels;
}

function tableColumn(data: number | Rows, name: string, column: string) {
  if (!(data instanceof Table)) throw new TypeError(`trainTestSplit: ${name}: '${column}' names a column, so the data must be a Table`);
  return data.column(column);
}

/** Row indices sorted by time, ties in row order. */
function timeOrder(data: number | Rows, time: NonNullable<TrainTestSplitOptions['time']>, n: number): Int32Array {
  let t: ArrayLike<number | Date>;
  if (typeof time === 'string') {
    const col = tableColumn(data, 'time', time);
    if (col.kind === 'string') throw new TypeError(`trainTestSplit: time column '${time}' holds strings; parse it into timestamps first`);
    t = col.values;
  } else t = time instanceof Tensor ? time.toTypedArray() : time;
  if (t.length !== n) throw new RangeError(`trainTestSplit: time has ${t.length} values but the data has ${n} rows`);
  const ms = Float64Array.from({ length: n }, (_, i) => {
    const v = t[i];
    const x = v instanceof Date ? v.getTime() : v;
    if (typeof x !== 'number' || Number.isNaN(x))
      throw new RangeError(`trainTestSplit: time is missing at row ${i}; drop or fill it first`);
    return x;
  });
  return Int32Array.from(range(0, n)).sort((a, b) => ms[a] - ms[b] || a - b);
}
