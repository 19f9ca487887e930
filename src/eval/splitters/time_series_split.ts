// TimeSeriesSplit as scikit-learn 1.2 defines it: rows are in time order; each test set is a block
// of `testSize` rows (default n // (nSplits + 1)), the blocks ending at the last row; each training
// set is every row before its test block less `gap` rows, or only the last `maxTrainSize` of them.
// Training sets grow (expanding window) unless maxTrainSize caps them (sliding window). The first
// rows are never tested.

import { checkNSplits, type Fold, range, type SplitData, type Splitter, splitData } from './splitter.js';

export interface TimeSeriesSplitOptions {
  /** Number of splits, >= 2. Default 5. */
  nSplits?: number;
  /** The most rows a training set keeps (its most recent ones). Default: no limit. */
  maxTrainSize?: number;
  /** Rows per test set. Default n // (nSplits + 1). */
  testSize?: number;
  /** Rows left out between the end of each training set and its test set. Default 0. */
  gap?: number;
}

/**
 * Forward-chaining splits for rows in time order: train on the past, test on what follows.
 *
 * @example
 * const cv = new TimeSeriesSplit({ nSplits: 3, gap: 1 });
 * [...cv.split(8)].map((f) => [f.train.length, [...f.test]]) // [[1, [2, 3]], [3, [4, 5]], [5, [6, 7]]]
 */
export class TimeSeriesSplit implements Splitter {
  readonly nSplits: number;
  readonly maxTrainSize: number | undefined;
  readonly testSize: number | undefined;
  readonly gap: number;

  constructor(options: TimeSeriesSplitOptions = {}) {
    this.nSplits = checkNSplits('TimeSeriesSplit', options.nSplits ?? 5);
    this.maxTrainSize = optionalCount('maxTrainSize', options.maxTrainSize, 1);
    this.testSize = optionalCount('testSize', options.testSize, 1);
    this.gap = optionalCount('gap', options.gap ?? 0, 0) as number;
  }

  /** The splits of `data` rows, assumed to be in time order. */
  split(data: number | SplitData): IterableIterator<Fold> {
    const { n } = splitData('TimeSeriesSplit', data);
    const { nSplits, gap, maxTrainSize } = this;
    const nFolds = nSplits + 1;
    const testSize = this.testSize ?? Math.floor(n / nFolds);
    if (nFolds > n) throw new RangeError(`TimeSeriesSplit: nSplits + 1 = ${nFolds} folds is greater than the number of samples n=${n}`);
    if (n - gap - testSize * nSplits <= 0) {
      throw new RangeError(
        `TimeSeriesSplit: too many splits (nSplits=${nSplits}) for n=${n} samples with testSize=${testSize} and gap=${gap}; ` +
          'no training rows would be left for the first split',
      );
    }
    return (function* () {
      for (let testStart = n - nSplits * testSize; testStart < n; testStart += testSize) {
        const trainEnd = testStart - gap;
        const trainStart = maxTrainSize !== undefined && maxTrainSize < trainEnd ? trainEnd - maxTrainSize : 0;
        yield { train: range(trainStart, trainEnd), test: range(testStart, Math.min(testStart + testSize, n)) };
      }
    })();
  }

  getNSplits(): number {
    return this.nSplits;
  }
}

function optionalCount(name: string, value: number | undefined, min: number): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    throw new RangeError(`TimeSeriesSplit: ${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}
