// StratifiedKFold and RepeatedStratifiedKFold with scikit-learn 1.2's allocation, so unshuffled
// folds match scikit-learn's exactly. Classes are numbered by first appearance; the rows sorted by
// class are dealt round-robin to the folds, which fixes how many rows of each class every test fold
// gets; then each class's rows, in row order, fill the folds in blocks (fold 0's share first). With
// shuffle, each class's block labels are permuted (tessera's generator, not numpy's).
//
// Errors and warnings, as scikit-learn: nSplits above the size of every class throws; nSplits above
// the size of some class warns (console.warn unless `onWarning` says otherwise), since those
// classes are then missing from some test folds.

import type { Generator } from '../../core/random.js';
import { checkRepeats, folds } from './kfold.js';
import { type EncodedLabels, encodeLabels, type Labels, labelValues, showLabel } from './labels.js';
import {
  checkNSplits,
  checkSeed,
  type Fold,
  generatorFor,
  type OnWarning,
  type SplitData,
  type Splitter,
  shuffleInPlace,
  splitData,
  warn,
} from './splitter.js';

export interface StratifiedKFoldOptions {
  /** Number of folds, >= 2. Default 5. */
  nSplits?: number;
  /** Permute each class's fold labels. Default false. */
  shuffle?: boolean;
  /** Seed of the permutations (only with shuffle). Default: drawn from the global generator at each split call. */
  seed?: number;
  /** Where the "a class has fewer members than nSplits" warning goes: a function, or 'throw'. Default console.warn. */
  onWarning?: OnWarning;
}

/**
 * K-fold whose test folds keep each class's share of the rows (to within one row per class).
 *
 * @example
 * const cv = new StratifiedKFold({ nSplits: 2 });
 * [...cv.split({ y: [0, 0, 1, 1, 0, 1] })].map((f) => [...f.test]) // [[0, 1, 2], [3, 4, 5]]
 */
export class StratifiedKFold implements Splitter {
  readonly nSplits: number;
  readonly shuffle: boolean;
  readonly seed: number | undefined;
  readonly onWarning: OnWarning | undefined;

  constructor(options: StratifiedKFoldOptions = {}) {
    this.nSplits = checkNSplits('StratifiedKFold', options.nSplits ?? 5);
    this.shuffle = options.shuffle ?? false;
    this.seed = checkSeed('StratifiedKFold', options.seed);
    this.onWarning = options.onWarning;
    if (!this.shuffle && this.seed !== undefined) {
      throw new RangeError('StratifiedKFold: seed has no effect unless shuffle is true; pass shuffle: true or leave seed out');
    }
  }

  /** The folds for class labels `data.y`, rows of each fold ascending. */
  split(data: SplitData): IterableIterator<Fold> {
    const y = requireY('StratifiedKFold', data);
    const labels = encodeClasses('StratifiedKFold', y, this.nSplits, this.onWarning);
    const assignment = stratifiedAssignment(labels, this.nSplits, this.shuffle ? generatorFor(this.seed) : null);
    return folds(assignment, this.nSplits);
  }

  getNSplits(): number {
    return this.nSplits;
  }
}

export interface RepeatedStratifiedKFoldOptions {
  /** Number of folds per repetition, >= 2. Default 5. */
  nSplits?: number;
  /** Number of repetitions, each shuffled afresh. Default 10. */
  nRepeats?: number;
  /** Seed of the permutations. Default: drawn from the global generator at each split call. */
  seed?: number;
  /** Where the small-class warning goes. Default console.warn. */
  onWarning?: OnWarning;
}

/**
 * Shuffled StratifiedKFold repeated `nRepeats` times: nSplits * nRepeats folds.
 * @example new RepeatedStratifiedKFold({ nSplits: 5, nRepeats: 2, seed: 1 }).split({ y: labels }) // 10 folds
 */
export class RepeatedStratifiedKFold implements Splitter {
  readonly nSplits: number;
  readonly nRepeats: number;
  readonly seed: number | undefined;
  readonly onWarning: OnWarning | undefined;

  constructor(options: RepeatedStratifiedKFoldOptions = {}) {
    this.nSplits = checkNSplits('RepeatedStratifiedKFold', options.nSplits ?? 5);
    this.nRepeats = checkRepeats('RepeatedStratifiedKFold', options.nRepeats ?? 10);
    this.seed = checkSeed('RepeatedStratifiedKFold', options.seed);
    this.onWarning = options.onWarning;
  }

  split(data: SplitData): IterableIterator<Fold> {
    const y = requireY('RepeatedStratifiedKFold', data);
    const labels = encodeClasses('RepeatedStratifiedKFold', y, this.nSplits, this.onWarning);
    const g = generatorFor(this.seed);
    const { nSplits, nRepeats } = this;
    return (function* () {
      for (let r = 0; r < nRepeats; r++) yield* folds(stratifiedAssignment(labels, nSplits, g), nSplits);
    })();
  }

  getNSplits(): number {
    return this.nSplits * this.nRepeats;
  }
}

function requireY(op: string, data: SplitData): Labels {
  if (typeof data !== 'object' || data === null || data.y === undefined) {
    throw new TypeError(`${op}.split: needs the class labels, as split({ y })`);
  }
  return splitData(op, data).y as Labels;
}

/** Class labels numbered by first appearance, checked against nSplits as scikit-learn does. */
export function encodeClasses(op: string, y: Labels, nSplits: number, onWarning: OnWarning | undefined): EncodedLabels {
  const values = labelValues(op, 'y', y);
  if (nSplits > values.length) throw new RangeError(`${op}: nSplits=${nSplits} is greater than the number of samples n=${values.length}`);
  const bad = values.findIndex((v) => typeof v === 'number' && !Number.isInteger(v));
  if (bad >= 0) {
    throw new RangeError(
      `${op}: y must hold class labels, got the non-integer ${values[bad]} at row ${bad}; bin a continuous target first, or use KFold`,
    );
  }
  const labels = encodeLabels(op, 'y', values as Labels, 'appearance');
  const { counts, classes } = labels;
  let least = 0;
  let most = 0;
  for (let k = 1; k < counts.length; k++) {
    if (counts[k] < counts[least]) least = k;
    if (counts[k] > counts[most]) most = k;
  }
  if (nSplits > counts[most]) {
    throw new RangeError(
      `${op}: nSplits=${nSplits} is greater than the number of members of every class (the largest, class ${showLabel(classes[most])}, has ${counts[most]}); use nSplits <= ${counts[most]}`,
    );
  }
  if (nSplits > counts[least]) {
    const few = counts.filter((c) => c < nSplits).length;
    warn(
      `${op}: nSplits=${nSplits} is greater than the number of members in class ${showLabel(classes[least])} (${counts[least]})` +
        `${few > 1 ? ` and ${few - 1} other class${few > 2 ? 'es' : ''} are small too` : ''}; some test folds will hold no member of such classes`,
      onWarning,
    );
  }
  return labels;
}

/** The fold of every row under scikit-learn 1.2's stratified allocation. */
export function stratifiedAssignment(labels: EncodedLabels, nSplits: number, g: Generator | null): Int32Array {
  const { codes, counts } = labels;
  const nClasses = counts.length;
  // allocation[f * nClasses + k]: rows of class k in test fold f, from dealing the rows sorted by class round-robin
  const allocation = new Int32Array(nSplits * nClasses);
  for (let k = 0, p = 0; k < nClasses; k++) for (let c = 0; c < counts[k]; c++, p++) allocation[(p % nSplits) * nClasses + k]++;
  // foldsForClass[k]: the fold of each row of class k, in row order (blocks of fold 0's share, fold 1's, ...)
  const foldsForClass = Array.from(counts, (c, k) => {
    const folds = new Int32Array(c);
    for (let f = 0, pos = 0; f < nSplits; f++) for (let j = 0; j < allocation[f * nClasses + k]; j++) folds[pos++] = f;
    return g === null ? folds : shuffleInPlace(folds, g);
  });
  const next = new Int32Array(nClasses);
  return codes.map((k) => foldsForClass[k][next[k]++]);
}
