// KFold and RepeatedKFold, as scikit-learn 1.2 defines them: n rows cut into nSplits consecutive
// blocks, the first n % nSplits blocks one row larger; each block is the test set once. With
// shuffle the rows are permuted first (with tessera's generator, so shuffled folds differ from
// scikit-learn's, which uses numpy's); unshuffled folds match scikit-learn's exactly.

import type { Generator } from '../../core/random.js';
import {
  checkNSplits,
  checkSeed,
  type Fold,
  foldFromAssignment,
  generatorFor,
  range,
  type SplitData,
  type Splitter,
  shuffleInPlace,
  splitData,
} from './splitter.js';

export interface KFoldOptions {
  /** Number of folds, >= 2. Default 5. */
  nSplits?: number;
  /** Permute the rows before cutting them into blocks. Default false. */
  shuffle?: boolean;
  /** Seed of the permutation (only with shuffle). Default: drawn from the global generator at each split call. */
  seed?: number;
}

/**
 * K-fold cross-validation: each of `nSplits` consecutive blocks of rows is the test set once.
 *
 * @example
 * [...new KFold({ nSplits: 3 }).split(7)].map((f) => [...f.test]) // [[0, 1, 2], [3, 4], [5, 6]]
 * new KFold({ nSplits: 5, shuffle: true, seed: 0 }).split(100)      // permuted, reproducible
 */
export class KFold implements Splitter {
  readonly nSplits: number;
  readonly shuffle: boolean;
  readonly seed: number | undefined;

  constructor(options: KFoldOptions = {}) {
    this.nSplits = checkNSplits('KFold', options.nSplits ?? 5);
    this.shuffle = options.shuffle ?? false;
    this.seed = checkSeed('KFold', options.seed);
    if (!this.shuffle && this.seed !== undefined) {
      throw new RangeError('KFold: seed has no effect unless shuffle is true; pass shuffle: true or leave seed out');
    }
  }

  /** The folds of `data` (a row count, or { n } / { y } / { groups } to take it from), test rows ascending. */
  split(data: number | SplitData): IterableIterator<Fold> {
    const { n } = splitData('KFold', data);
    const assignment = kfoldAssignment('KFold', n, this.nSplits, this.shuffle ? generatorFor(this.seed) : null);
    return folds(assignment, this.nSplits);
  }

  getNSplits(): number {
    return this.nSplits;
  }
}

export interface RepeatedKFoldOptions {
  /** Number of folds per repetition, >= 2. Default 5. */
  nSplits?: number;
  /** Number of repetitions, each with a fresh permutation. Default 10. */
  nRepeats?: number;
  /** Seed of the permutations. Default: drawn from the global generator at each split call. */
  seed?: number;
}

/**
 * Shuffled K-fold repeated `nRepeats` times with different permutations: nSplits * nRepeats folds.
 * @example new RepeatedKFold({ nSplits: 5, nRepeats: 3, seed: 0 }).getNSplits() // 15
 */
export class RepeatedKFold implements Splitter {
  readonly nSplits: number;
  readonly nRepeats: number;
  readonly seed: number | undefined;

  constructor(options: RepeatedKFoldOptions = {}) {
    this.nSplits = checkNSplits('RepeatedKFold', options.nSplits ?? 5);
    this.nRepeats = checkRepeats('RepeatedKFold', options.nRepeats ?? 10);
    this.seed = checkSeed('RepeatedKFold', options.seed);
  }

  split(data: number | SplitData): IterableIterator<Fold> {
    const { n } = splitData('RepeatedKFold', data);
    kfoldAssignment('RepeatedKFold', n, this.nSplits, null); // validates before the first fold
    const g = generatorFor(this.seed);
    const { nSplits, nRepeats } = this;
    return (function* () {
      for (let r = 0; r < nRepeats; r++) yield* folds(kfoldAssignment('RepeatedKFold', n, nSplits, g), nSplits);
    })();
  }

  getNSplits(): number {
    return this.nSplits * this.nRepeats;
  }
}

/** The fold of every row: consecutive blocks of the (optionally permuted) rows. */
export function kfoldAssignment(op: string, n: number, nSplits: number, g: Generator | null): Int32Array {
  if (nSplits > n) throw new RangeError(`${op}: nSplits=${nSplits} is greater than the number of samples n=${n}`);
  const order = range(0, n);
  if (g !== null) shuffleInPlace(order, g);
  const assignment = new Int32Array(n);
  const base = Math.floor(n / nSplits);
  let pos = 0;
  for (let f = 0; f < nSplits; f++) {
    const size = base + (f < n % nSplits ? 1 : 0);
    for (let i = 0; i < size; i++) assignment[order[pos++]] = f;
  }
  return assignment;
}

/** The folds of an assignment of rows to folds 0..nSplits-1. */
export function* folds(assignment: Int32Array, nSplits: number): IterableIterator<Fold> {
  for (let f = 0; f < nSplits; f++) yield foldFromAssignment(assignment, f);
}

/** Checks a repetition count: a positive integer. */
export function checkRepeats(op: string, nRepeats: number): number {
  if (!Number.isInteger(nRepeats) || nRepeats < 1) throw new RangeError(`${op}: nRepeats must be a positive integer, got ${nRepeats}`);
  return nRepeats;
}
