// Random train/test splits repeated nSplits times (Monte Carlo cross-validation), as scikit-learn
// 1.2's ShuffleSplit, StratifiedShuffleSplit and GroupShuffleSplit draw them, with tessera's
// generator: the sizes and per-class counts follow scikit-learn's rules; the rows drawn differ.
// Test sets of different splits may overlap. Rows come in random order.

import type { Generator } from '../../core/random.js';
import { encodeLabels, type Labels, showLabel } from './labels.js';
import { approximateMode, resolveSplitSizes, type SplitSize } from './split_sizes.js';
import {
  checkNSplits,
  checkSeed,
  type Fold,
  generatorFor,
  range,
  type SplitData,
  type Splitter,
  shuffleInPlace,
  splitData,
} from './splitter.js';

export interface ShuffleSplitOptions {
  /** Number of random splits, >= 1. Default 10. */
  nSplits?: number;
  /** Test rows: a fraction in (0, 1) (rounded up) or a count. Default 0.1 (0.2 of the groups for GroupShuffleSplit), or the rest after trainSize. */
  testSize?: SplitSize;
  /** Train rows: a fraction (rounded down) or a count. Default: the rest after testSize. */
  trainSize?: SplitSize;
  /** Seed of the draws. Default: drawn from the global generator at each split call. */
  seed?: number;
}

abstract class RandomSplitter implements Splitter {
  readonly nSplits: number;
  readonly testSize: SplitSize | undefined;
  readonly trainSize: SplitSize | undefined;
  readonly seed: number | undefined;

  constructor(op: string, options: ShuffleSplitOptions) {
    this.nSplits = checkNSplits(op, options.nSplits ?? 10, 1);
    this.testSize = options.testSize;
    this.trainSize = options.trainSize;
    this.seed = checkSeed(op, options.seed);
  }

  abstract split(data: number | SplitData): IterableIterator<Fold>;

  getNSplits(): number {
    return this.nSplits;
  }

  /** Yields `draw(g)` nSplits times from one generator. */
  protected repeat(draw: (g: Generator) => Fold): IterableIterator<Fold> {
    const g = generatorFor(this.seed);
    const nSplits = this.nSplits;
    return (function* () {
      for (let s = 0; s < nSplits; s++) yield draw(g);
    })();
  }
}

/**
 * Random permutation splits: each split tests a fresh random `testSize` of the rows.
 * @example new ShuffleSplit({ nSplits: 5, testSize: 0.2, seed: 0 }).split(100) // 5 folds of 80 / 20 rows
 */
export class ShuffleSplit extends RandomSplitter {
  constructor(options: ShuffleSplitOptions = {}) {
    super('ShuffleSplit', options);
  }

  split(data: number | SplitData): IterableIterator<Fold> {
    const { n } = splitData('ShuffleSplit', data);
    const { nTrain, nTest } = resolveSplitSizes('ShuffleSplit', n, this.testSize, this.trainSize, 0.1);
    return this.repeat((g) => {
      const perm = shuffleInPlace(range(0, n), g);
      return { test: perm.slice(0, nTest), train: perm.slice(nTest, nTest + nTrain) };
    });
  }
}

/**
 * Random splits that keep each class's share in train and test (scikit-learn's allocation); every
 * class needs at least 2 rows, and each side at least one row per class.
 *
 * @example new StratifiedShuffleSplit({ nSplits: 3, testSize: 0.25, seed: 0 }).split({ y: labels })
 */
export class StratifiedShuffleSplit extends RandomSplitter {
  constructor(options: ShuffleSplitOptions = {}) {
    super('StratifiedShuffleSplit', options);
  }

  split(data: SplitData): IterableIterator<Fold> {
    if (typeof data !== 'object' || data === null || data.y === undefined) {
      throw new TypeError('StratifiedShuffleSplit.split: needs the class labels, as split({ y })');
    }
    const { n, y } = splitData('StratifiedShuffleSplit', data);
    const { nTrain, nTest } = resolveSplitSizes('StratifiedShuffleSplit', n, this.testSize, this.trainSize, 0.1);
    const draw = stratifiedDraw('StratifiedShuffleSplit', y as Labels, nTrain, nTest);
    return this.repeat(draw);
  }
}

/** A function drawing one stratified train/test split of `y` (its checks run once, up front). */
export function stratifiedDraw(op: string, y: Labels, nTrain: number, nTest: number): (g: Generator) => Fold {
  const { codes, classes, counts } = encodeLabels(op, 'stratify', y, 'sorted');
  const least = counts.indexOf(Math.min(...counts));
  if (counts[least] < 2) {
    throw new RangeError(
      `${op}: class ${showLabel(classes[least])} has only 1 member; every class needs at least 2 to appear on both sides. Drop or merge rare classes`,
    );
  }
  if (nTrain < classes.length)
    throw new RangeError(`${op}: the train size ${nTrain} is smaller than the number of classes (${classes.length})`);
  if (nTest < classes.length)
    throw new RangeError(`${op}: the test size ${nTest} is smaller than the number of classes (${classes.length})`);
  const byClass: Int32Array[] = Array.from(counts, (c) => new Int32Array(c));
  const filled = new Int32Array(counts.length);
  codes.forEach((k, i) => {
    byClass[k][filled[k]++] = i;
  });
  return (g) => {
    const nI = approximateMode(counts, nTrain, g);
    const tI = approximateMode(
      counts.map((c, k) => c - nI[k]),
      nTest,
      g,
    );
    const train = new Int32Array(nTrain);
    const test = new Int32Array(nTest);
    let a = 0;
    let b = 0;
    byClass.forEach((rows, k) => {
      const perm = shuffleInPlace(rows.slice(), g);
      train.set(perm.subarray(0, nI[k]), a);
      test.set(perm.subarray(nI[k], nI[k] + tI[k]), b);
      a += nI[k];
      b += tI[k];
    });
    return { train: shuffleInPlace(train, g), test: shuffleInPlace(test, g) };
  };
}

/**
 * Random splits of whole groups: `testSize` and `trainSize` count groups, not rows (as in
 * scikit-learn), so no group has rows on both sides. Rows come in ascending order.
 *
 * @example new GroupShuffleSplit({ nSplits: 2, testSize: 0.5, seed: 0 }).split({ groups: ['a', 'a', 'b', 'c'] })
 */
export class GroupShuffleSplit extends RandomSplitter {
  constructor(options: ShuffleSplitOptions = {}) {
    super('GroupShuffleSplit', options);
  }

  split(data: SplitData): IterableIterator<Fold> {
    if (typeof data !== 'object' || data === null || data.groups === undefined) {
      throw new TypeError('GroupShuffleSplit.split: needs the group of every row, as split({ groups })');
    }
    const { groups } = splitData('GroupShuffleSplit', data);
    return this.repeat(groupDraw('GroupShuffleSplit', groups as Labels, this.testSize, this.trainSize, 0.2));
  }
}

/** A function drawing one split of whole groups; sizes count groups. */
export function groupDraw(
  op: string,
  groups: Labels,
  testSize: SplitSize | undefined,
  trainSize: SplitSize | undefined,
  defaultTest: number,
): (g: Generator) => Fold {
  const { codes, classes } = encodeLabels(op, 'groups', groups, 'sorted');
  const { nTrain, nTest } = resolveSplitSizes(`${op} (sizes count groups)`, classes.length, testSize, trainSize, defaultTest);
  return (g) => {
    const perm = shuffleInPlace(range(0, classes.length), g);
    const side = new Int8Array(classes.length); // 0 unused, 1 train, 2 test
    for (let i = 0; i < nTest; i++) side[perm[i]] = 2;
    for (let i = nTest; i < nTest + nTrain; i++) side[perm[i]] = 1;
    const train: number[] = [];
    const test: number[] = [];
    codes.forEach((c, i) => {
      if (side[c] === 1) train.push(i);
      else if (side[c] === 2) test.push(i);
    });
    return { train: Int32Array.from(train), test: Int32Array.from(test) };
  };
}
