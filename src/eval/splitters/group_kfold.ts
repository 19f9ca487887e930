// GroupKFold as scikit-learn 1.2 defines it: no group has rows on both sides of a split, and the
// folds are balanced greedily by size: groups from largest to smallest (the order of np.argsort,
// reversed, so tied sizes are ordered exactly as scikit-learn orders them) each go to the fold with
// the fewest rows so far (the first such fold on ties). Groups are numbered in sorted order, as
// np.unique numbers them. No shuffling: the folds depend only on the group sizes and ids.

import { encodeLabels, type Labels } from './labels.js';
import { numpyArgsort } from './numpy_argsort.js';
import { checkNSplits, type Fold, foldFromAssignment, type SplitData, type Splitter, splitData } from './splitter.js';

export interface GroupKFoldOptions {
  /** Number of folds, >= 2 and at most the number of groups. Default 5. */
  nSplits?: number;
}

/**
 * K-fold over groups (patients, users, sessions): every group's rows land in the same test fold.
 *
 * @example
 * const groups = ['a', 'a', 'a', 'b', 'b', 'c'];
 * [...new GroupKFold({ nSplits: 2 }).split({ groups })].map((f) => [...f.test]) // [[0, 1, 2], [3, 4, 5]]
 */
export class GroupKFold implements Splitter {
  readonly nSplits: number;

  constructor(options: GroupKFoldOptions = {}) {
    this.nSplits = checkNSplits('GroupKFold', options.nSplits ?? 5);
  }

  /** The folds for group ids `data.groups`, rows of each fold ascending. */
  split(data: SplitData): IterableIterator<Fold> {
    if (typeof data !== 'object' || data === null || data.groups === undefined) {
      throw new TypeError('GroupKFold.split: needs the group of every row, as split({ groups })');
    }
    const { n, groups } = splitData('GroupKFold', data);
    if (this.nSplits > n) throw new RangeError(`GroupKFold: nSplits=${this.nSplits} is greater than the number of samples n=${n}`);
    const assignment = groupKFoldAssignment(groups as Labels, this.nSplits);
    const nSplits = this.nSplits;
    return (function* () {
      for (let f = 0; f < nSplits; f++) yield foldFromAssignment(assignment, f);
    })();
  }

  getNSplits(): number {
    return this.nSplits;
  }
}

/** The fold of every row: groups, largest first, each to the currently lightest fold. */
export function groupKFoldAssignment(groups: Labels, nSplits: number): Int32Array {
  const { codes, counts, classes } = encodeLabels('GroupKFold', 'groups', groups, 'sorted');
  if (nSplits > classes.length) {
    throw new RangeError(
      `GroupKFold: nSplits=${nSplits} is greater than the number of groups (${classes.length}); use nSplits <= ${classes.length}`,
    );
  }
  const order = numpyArgsort(counts).reverse(); // largest group first, ties as scikit-learn
  const foldRows = new Float64Array(nSplits);
  const groupFold = new Int32Array(counts.length);
  for (const g of order) {
    let lightest = 0;
    for (let f = 1; f < nSplits; f++) if (foldRows[f] < foldRows[lightest]) lightest = f;
    foldRows[lightest] += counts[g];
    groupFold[g] = lightest;
  }
  return codes.map((c) => groupFold[c]);
}
