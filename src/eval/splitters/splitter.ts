// What every cross-validation splitter shares: the Fold it yields, the data it splits (a row count,
// or labels and groups that carry one), the Splitter interface crossValidate drives, and the
// argument checks and seeding rules common to all of them.

import { defaultGenerator, Generator } from '../../core/random.js';
import { type Labels, labelCount } from './labels.js';

/**
 * One train/test split of rows 0..n-1. K-fold splitters give both in ascending order (as
 * scikit-learn does); shuffle splits give them in random order.
 *
 * @example for (const { train, test } of new KFold({ nSplits: 5 }).split(100)) console.log(train.length, test.length); // 80 20
 */
export interface Fold {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/**
 * What a splitter splits: the number of rows, and the labels (`y`) and group ids (`groups`) that
 * stratified and group splitters need. `n` may be left out when `y` or `groups` is given.
 *
 * @example new StratifiedKFold({ nSplits: 3 }).split({ y: ['a', 'b', 'a', 'b', 'a', 'b'] })
 */
export interface SplitData {
  n?: number;
  y?: Labels;
  groups?: Labels;
}

/**
 * A cross-validation strategy: `split` yields the folds, `getNSplits` says how many it yields.
 *
 * @example
 * const cv: Splitter = new KFold({ nSplits: 5, shuffle: true, seed: 0 });
 * for (const { train, test } of cv.split(n)) fitAndScore(train, test);
 */
export interface Splitter {
  split(data: number | SplitData): Iterable<Fold>;
  /** The number of folds `split` yields for `data` (needed only by splitters whose count depends on it). */
  getNSplits(data?: number | SplitData): number;
}

/** How a splitter reports a questionable but legal setting: a function given the message, or 'throw'. */
export type OnWarning = ((message: string) => void) | 'throw';

/** Sends `message` to `onWarning` (default console.warn), or throws it. */
export function warn(message: string, onWarning: OnWarning | undefined): void {
  if (onWarning === 'throw') throw new RangeError(message);
  (onWarning ?? console.warn)(message);
}

/** Normalised split data: the row count and the labels and groups, if given, checked against it. */
export function splitData(op: string, data: number | SplitData): { n: number; y?: Labels; groups?: Labels } {
  if (typeof data === 'number') return { n: checkCount(op, data) };
  if (data === null || typeof data !== 'object') {
    throw new TypeError(`${op}.split: expected a row count or { n?, y?, groups? }, got ${data === null ? 'null' : typeof data}`);
  }
  const { y, groups } = data;
  const n = data.n ?? (y !== undefined ? labelCount(y) : groups !== undefined ? labelCount(groups) : undefined);
  if (n === undefined) throw new TypeError(`${op}.split: give the row count n, or y or groups to take it from`);
  checkCount(op, n);
  if (y !== undefined && labelCount(y) !== n) throw new RangeError(`${op}.split: y has ${labelCount(y)} labels but n=${n}`);
  if (groups !== undefined && labelCount(groups) !== n)
    throw new RangeError(`${op}.split: groups has ${labelCount(groups)} ids but n=${n}`);
  return { n, y, groups };
}

function checkCount(op: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${op}.split: n must be a positive integer number of rows, got ${n}`);
  return n;
}

/** Checks a fold count: an integer >= `min` (2 for k-fold, 1 for shuffle splits). */
export function checkNSplits(op: string, nSplits: number, min = 2): number {
  if (!Number.isInteger(nSplits) || nSplits < min) {
    const why = min === 2 ? '; k-fold cross-validation needs at least one train/test split per fold, so nSplits >= 2' : '';
    throw new RangeError(`${op}: nSplits must be an integer >= ${min}, got ${nSplits}${why}`);
  }
  return nSplits;
}

/** Checks a seed: a finite number, or undefined. */
export function checkSeed(op: string, seed: number | undefined): number | undefined {
  if (seed !== undefined && !Number.isFinite(seed)) throw new TypeError(`${op}: seed must be a finite number, got ${seed}`);
  return seed;
}

/**
 * The generator for one `split` call: seeded by `seed` (so every call yields the same folds), or,
 * without a seed, seeded by a draw from the global generator (reproducible after `manualSeed`).
 */
export function generatorFor(seed: number | undefined): Generator {
  return new Generator(seed ?? defaultGenerator.nextU32());
}

/** The rows of 0..n-1 whose `fold` is `f` (the test rows) and the others (the train rows), ascending. */
export function foldFromAssignment(assignment: Int32Array, f: number): Fold {
  let nTest = 0;
  for (let i = 0; i < assignment.length; i++) if (assignment[i] === f) nTest++;
  const test = new Int32Array(nTest);
  const train = new Int32Array(assignment.length - nTest);
  for (let i = 0, a = 0, b = 0; i < assignment.length; i++) {
    if (assignment[i] === f) test[a++] = i;
    else train[b++] = i;
  }
  return { train, test };
}

/** The integers start..end-1. */
export function range(start: number, end: number): Int32Array {
  const out = new Int32Array(Math.max(0, end - start));
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}

/** Shuffles `a` in place (Fisher-Yates) with `g`. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(a: T, g: Generator): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = g.int(0, i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
